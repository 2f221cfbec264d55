/**
 * Wraps an async factory so it runs once per container and its result is reused by warm invocations —
 * but a failure is not cached: the next call tries again (a secret that was briefly unreadable must not
 * poison the container until it is recycled). Concurrent callers share one in-flight attempt.
 *
 * @example
 * const getRepository = memoizeUntilSuccess(async () => createGitHubRepo({ octokit: await buildOctokit(), owner, repo }));
 * await getRepository(); // built
 * await getRepository(); // reused
 */
export function memoizeUntilSuccess<T>(factory: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const attempt = Promise.resolve().then(factory);
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
