/**
 * The Lambda function's timeout, in seconds; the CDK construct deploys it (`FUNCTION_TIMEOUT`) and every
 * wait inside the function is budgeted against it (see `lambda/github/github-retry-policy.ts`). A normal
 * run is a handful of GitHub and ECR calls (seconds); 60 s leaves room for the use case's stale-head
 * retries with jittered backoff, GitHub's retry waits and a cold start. Anything slower (GitHub outage, a
 * long secondary rate limit) is better retried by SQS than waited out inside a billed invocation.
 *
 * @example
 * Duration.seconds(FUNCTION_TIMEOUT_SECONDS);
 */
export const FUNCTION_TIMEOUT_SECONDS = 60;
