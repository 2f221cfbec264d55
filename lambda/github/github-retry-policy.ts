/**
 * heimdall's waiting budget for GitHub, one constant per figure. Docs quote the figures and name these
 * constants; `createGitHubAppOctokit` and `createGitHubGitOps` use them as defaults, and
 * `test/github/github-retry-policy.test.ts` checks that a read plus a commit, each waiting its worst case,
 * fits `FUNCTION_TIMEOUT_SECONDS` (lambda/runtime/function-timeout.ts).
 *
 * Worst case per request: `GITHUB_SERVER_ERROR_RETRIES` backoffs (1 s + 4 s) plus
 * `GITHUB_RATE_LIMIT_RETRIES` rate-limit waits of at most `GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS` (20 s) —
 * and never past the invocation's deadline, which every request carries in the Lambda.
 *
 * @example
 * githubWorstCaseWaitMs(); // 25000: 1 s + 4 s of 5xx backoff, one 20 s rate-limit wait
 */

/** How many times a 5xx or network error is retried (`retryWithinDeadline` `retries`). */
export const GITHUB_SERVER_ERROR_RETRIES = 2;

/**
 * The backoff unit of `retryWithinDeadline` (`retryAfterBaseValue`): retry n waits unit × n², so with
 * {@link GITHUB_SERVER_ERROR_RETRIES} = 2 the waits are 1 s and 4 s.
 */
export const GITHUB_RETRY_UNIT_MS = 1000;

/** How many times one request may wait out a rate limit (`@octokit/plugin-throttling`). */
export const GITHUB_RATE_LIMIT_RETRIES = 1;

/** A rate-limit `retry-after` longer than this fails the request; SQS redelivers the event later. */
export const GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS = 20;

/** Least time between two commits (GitHub's guidance: ≥ 1 s between mutative requests). */
export const GITHUB_COMMIT_SPACING_MS = 1000;

/** The longest one GitHub request can spend waiting under the policy above, in milliseconds. */
export function githubWorstCaseWaitMs(): number {
  let backoff = 0;
  for (let retry = 1; retry <= GITHUB_SERVER_ERROR_RETRIES; retry++)
    backoff += GITHUB_RETRY_UNIT_MS * retry ** 2;
  return backoff + GITHUB_RATE_LIMIT_RETRIES * GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS * 1000;
}
