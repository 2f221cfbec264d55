import { DeadlineExceededError } from "../core/index.ts";

/** How {@link withRetries} retries one call. */
export interface RetryPolicy {
  /** The pause before each retry, in ms; its length is the number of retries. */
  readonly waitsMs: readonly number[];
  /** No attempt runs, and no pause is taken, past this time (ms since the epoch); each attempt is aborted at it. */
  readonly deadline?: number;
  /** Longest single attempt, in ms (aborted after it); none by default. */
  readonly attemptTimeoutMs?: number;
  /** Whether a failure may succeed when tried again (5xx, network). */
  readonly retryable: (error: unknown) => boolean;
  /** Whether a *result* is a failure worth retrying (GitHub's transient GraphQL errors arrive as 200). */
  readonly retryableResult?: (result: unknown) => boolean;
  /** What is being done, for the deadline message: "POST /graphql". */
  readonly what: string;
  /** Told before each retry. */
  readonly onRetry?: () => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` and retries it after the policy's pauses while its failure is retryable, never past the
 * deadline: each attempt gets an `AbortSignal` that fires at the deadline (or after `attemptTimeoutMs`),
 * a pause that would end past the deadline is not taken (the last failure is thrown as it is), and an
 * attempt cut off by the deadline throws {@link DeadlineExceededError}.
 *
 * @example
 * await withRetries((signal) => fetch(url, { signal }), {
 *   waitsMs: [1000, 4000], deadline, retryable: (e) => (e as { status?: number }).status! >= 500,
 *   what: "GET /repos/o/r", now: Date.now, sleep,
 * });
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal | undefined) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const remaining = policy.deadline === undefined ? undefined : policy.deadline - policy.now();
    if (remaining !== undefined && remaining <= 0) {
      throw new DeadlineExceededError(
        `${policy.what} not sent: the invocation's deadline has passed — the event will be retried`,
      );
    }
    const limit = Math.min(
      remaining ?? Number.POSITIVE_INFINITY,
      policy.attemptTimeoutMs ?? Number.POSITIVE_INFINITY,
    );
    const signal = Number.isFinite(limit) ? AbortSignal.timeout(Math.max(1, Math.floor(limit))) : undefined;
    const wait = policy.waitsMs[retry];
    const fits = (ms: number) => policy.deadline === undefined || policy.now() + ms < policy.deadline;
    try {
      const result = await attempt(signal);
      if (wait === undefined || policy.retryableResult?.(result) !== true || !fits(wait)) return result;
    } catch (error) {
      if (signal?.aborted === true && remaining !== undefined && limit === remaining) {
        throw new DeadlineExceededError(
          `${policy.what} was cut off by the invocation's deadline — the event will be retried`,
          0,
          { cause: error },
        );
      }
      if (wait === undefined || !policy.retryable(error) || !fits(wait)) throw error;
    }
    policy.onRetry?.();
    await policy.sleep(wait);
  }
}
