/** First pause after a lost commit round, in ms: about one read→commit round trip. */
export const COMMIT_BACKOFF_BASE_MS = 100;
/** Longest pause between two commit rounds, in ms. */
export const COMMIT_BACKOFF_CAP_MS = 3000;

/**
 * The pause before the next commit round after the branch moved under the last one: "decorrelated
 * jitter" — uniformly between the base and three times the previous pause, capped. Writers that collided
 * spread out quickly (each one's next pause depends on its own last one, not on a shared round number), and
 * under sustained contention the pauses hover around the cap instead of growing without bound.
 *
 * `random` returns a number in [0, 1), like `Math.random`.
 *
 * @example
 * let pause = COMMIT_BACKOFF_BASE_MS;
 * pause = nextCommitBackoff(pause, Math.random); // somewhere in [100, 300)
 * pause = nextCommitBackoff(pause, Math.random); // somewhere in [100, 3 × previous), at most 3000
 */
export function nextCommitBackoff(previousMs: number, random: () => number): number {
  const upper = Math.max(COMMIT_BACKOFF_BASE_MS, previousMs * 3);
  const pause = COMMIT_BACKOFF_BASE_MS + random() * (upper - COMMIT_BACKOFF_BASE_MS);
  return Math.round(Math.min(COMMIT_BACKOFF_CAP_MS, pause));
}
