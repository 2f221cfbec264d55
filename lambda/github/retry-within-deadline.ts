import type { Octokit } from "@octokit/core";
import { GITHUB_RETRY_UNIT_MS, GITHUB_SERVER_ERROR_RETRIES } from "./github-retry-policy.ts";
import { withRetries } from "./with-retries.ts";

/** Retries after 5xx and network failures: how many, and the backoff unit. */
export interface RetryWithinDeadlineOptions {
  /** Retries per request. Default `GITHUB_SERVER_ERROR_RETRIES`. */
  readonly retries?: number;
  /** Milliseconds per backoff unit; the waits are 1, 4, 9 … units. Default `GITHUB_RETRY_UNIT_MS`. */
  readonly retryAfterBaseValue?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

// GitHub's GraphQL answers a transient failure with HTTP 200 and this message.
const TRANSIENT_GRAPHQL = /Something went wrong while executing your query/;

/**
 * An Octokit plugin (in place of `@octokit/plugin-retry`) that retries 5xx and network failures, and
 * GraphQL's transient "Something went wrong" answers, after 1, 4, 9 … backoff units — within the
 * request's deadline. A request made with `request: { deadline }` (ms since the epoch) is aborted at the
 * deadline, and a retry whose pause would end past it is not made; see `withRetries`. 4xx answers are
 * never retried (the same request fails the same way; rate limits are the throttling plugin's).
 * `request: { retries: 0 }` turns retries off for one request; `request: { onRetry }` is told before
 * each retry (the commit mutation uses it to know that a lost reply may hide a commit that landed).
 *
 * @example
 * const MyOctokit = Octokit.plugin(retryWithinDeadline);
 * const octokit = new MyOctokit({ retry: { retries: 2 } });
 * await octokit.graphql(query, { request: { deadline: Date.now() + 30_000 } });
 */
export function retryWithinDeadline(
  octokit: Octokit,
  octokitOptions: Readonly<Record<string, unknown>>,
): Record<string, never> {
  const settings = (octokitOptions.retry ?? {}) as RetryWithinDeadlineOptions;
  const unit = settings.retryAfterBaseValue ?? GITHUB_RETRY_UNIT_MS;
  const retries = settings.retries ?? GITHUB_SERVER_ERROR_RETRIES;
  const now = settings.now ?? Date.now;
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  octokit.hook.wrap("request", (request, options) => {
    const own = (options.request ?? {}) as { deadline?: unknown; retries?: unknown; onRetry?: unknown };
    const count = typeof own.retries === "number" ? own.retries : retries;
    const deadline = typeof own.deadline === "number" ? own.deadline : undefined;
    return withRetries(
      async (signal) =>
        request(signal === undefined ? options : { ...options, request: { ...options.request, signal } }),
      {
        waitsMs: Array.from({ length: count }, (_, index) => (index + 1) ** 2 * unit),
        ...(deadline === undefined ? {} : { deadline }),
        retryable: isTransientFailure,
        retryableResult: isTransientGraphqlAnswer,
        what: `${options.method} ${String(options.url)}`,
        ...(typeof own.onRetry === "function" ? { onRetry: own.onRetry as () => void } : {}),
        now,
        sleep,
      },
    );
  });
  return {};
}

/** A 5xx, or a network failure (Octokit reports those as status 500). */
export function isTransientFailure(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 500;
}

function isTransientGraphqlAnswer(response: unknown): boolean {
  const errors = (response as { data?: { errors?: unknown } } | null)?.data?.errors;
  return (
    Array.isArray(errors) &&
    TRANSIENT_GRAPHQL.test(String((errors[0] as { message?: unknown } | undefined)?.message ?? ""))
  );
}
