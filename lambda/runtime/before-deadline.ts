import { DeadlineExceededError } from "../core/index.ts";

/**
 * `work`, unless it is still running `ms` from now: then a {@link DeadlineExceededError}. The work itself
 * cannot be cancelled (it has its own deadline); this only makes sure the handler answers in time.
 *
 * @example
 * const report = await beforeDeadline(updateManifests({ …, deadline, now }), deadline + margin / 2 - Date.now());
 */
export async function beforeDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  // The work goes on after losing the race; its own failure then has nobody left to hear it.
  work.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeadlineExceededError(
            "the invocation ran out of time before the update finished — the records go back to the queue and will be retried",
          ),
        ),
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
