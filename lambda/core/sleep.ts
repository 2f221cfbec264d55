/**
 * Resolves after `ms` milliseconds: the default wait of everything that pauses between attempts
 * (commit-conflict backoff, commit spacing). Callers take a `sleep` option so tests pass an instant one.
 *
 * @example
 * await sleep(1000);
 */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
