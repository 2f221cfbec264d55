/**
 * Wraps an async factory so it runs once per container and its result is reused by warm invocations —
 * but a failure is not cached: the next call tries again (a secret that was briefly unreadable must not
 * poison the container until it is recycled). Concurrent callers share one in-flight attempt. `forget()`
 * drops a result that turned out bad (a secret holding a wrong key builds fine and only fails at GitHub).
 *
 * @example
 * const getRepository = memoizeUntilSuccess(async () => createGitHubGitOps({ octokit: await buildOctokit(), owner, repo }));
 * await getRepository(); // built
 * await getRepository(); // reused
 */
export function memoizeUntilSuccess<T>(factory: () => Promise<T>): Memoized<T> {
  let pending: Promise<T> | undefined;
  const get = () => {
    if (pending === undefined) {
      const attempt = Promise.resolve().then(factory);
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
export type Memoized<T> = (() => Promise<T>) & { readonly forget: () => void };
