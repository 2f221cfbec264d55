/**
 * Wraps an async factory so it runs once per container and its result is reused by warm invocations —
 * but a failure is not cached: the next call tries again (a secret that was briefly unreadable must not
 * poison the container until it is recycled). Concurrent callers share one in-flight attempt. `forget()`
 * drops a result that turned out bad (a secret holding a wrong key builds fine and only fails at GitHub).
 *
 * Arguments go to the factory from the call that starts an attempt; calls while a result is kept or an
 * attempt is in flight share it whatever they pass, so only memoize factories whose arguments are
 * interchangeable (the same Octokit `request` function, say).
 *
 * @example
 * const getGitOps = memoizeUntilSuccess(async () => createGitHubGitOps({ octokit: await buildOctokit(), owner, repo }));
 * await getGitOps(); // built
 * await getGitOps(); // reused
 */
export function memoizeUntilSuccess<T, A extends readonly unknown[] = []>(
  factory: (...args: A) => Promise<T>,
): Memoized<T, A> {
  let pending: Promise<T> | undefined;
  const get = (...args: A) => {
    if (pending === undefined) {
      const attempt = Promise.resolve().then(() => factory(...args));
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
  return Object.assign(get, {
    forget: () => {
      pending = undefined;
    },
  });
}

/** A memoized factory; `forget()` drops the kept result so the next call builds afresh. */
export type Memoized<T, A extends readonly unknown[] = []> = ((...args: A) => Promise<T>) & {
  readonly forget: () => void;
};
