/**
 * The base of every error heimdall raises on purpose. Each message says what failed and what to do about
 * it; `cause` keeps the underlying error for logs. Messages never contain tokens or keys.
 *
 * Front doors decide what an error kind means for them (the CLI maps kinds to exit codes, the handler to
 * retries); the error itself carries no such policy.
 *
 * @example
 * throw new HeimdallError("could not read 'apps/x.yaml' — check the path", { cause });
 */
export class HeimdallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
