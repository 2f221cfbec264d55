import { HeimdallError } from "../core/index.ts";
import { GitHubApiError } from "./github-api-error.ts";

/** What heimdall was doing when GitHub failed, so the message can say what to fix. */
export interface GitHubFailureContext {
  /** What was being done, as a phrase: "reading wafflestudio/gitops@main". */
  readonly action: string;
  /** `owner/repo`, for the advice. */
  readonly repository: string;
  /** The App permission the request needs, named as GitHub's settings do; `Contents: read & write` by default. */
  readonly permission?: string;
}

interface GraphQLErrorLike {
  readonly type?: string;
  readonly message?: string;
}

/**
 * Maps whatever Octokit threw (after its retry and throttling plugins gave up) to a
 * {@link GitHubApiError} whose message says what failed and what to do, with `transient` set when a
 * later retry of the whole event can succeed (5xx, network, rate limits).
 *
 * Handles HTTP errors (`RequestError`, with `status`), GraphQL errors (`GraphqlResponseError`, with
 * `errors[].type`), and the throttling plugin's GraphQL rate-limit error. Heimdall's own errors and
 * anything else unknown (programming errors) are returned unchanged. Never puts request headers in the
 * message, so no token can leak; Octokit already redacts them in the `cause`.
 *
 * @example
 * toGitHubApiError(err403, { action: "committing to wafflestudio/gitops@main", repository: "wafflestudio/gitops" });
 * // GitHubApiError: committing to wafflestudio/gitops@main failed: Resource not accessible by integration —
 * //   grant the GitHub App "Contents: read & write" on wafflestudio/gitops …
 */
export function toGitHubApiError(error: unknown, context: GitHubFailureContext): unknown {
  if (error instanceof HeimdallError || typeof error !== "object" || error === null) return error;
  const { action, repository } = context;
  const permission = context.permission ?? "Contents: read & write";
  const fail = (detail: string, advice: string, transient: boolean) =>
    new GitHubApiError(`${action} failed: ${detail} — ${advice}`, transient, { cause: error });

  const graphqlErrors = (error as { errors?: unknown }).errors;
  if (Array.isArray(graphqlErrors)) {
    const errors = graphqlErrors as GraphQLErrorLike[];
    const detail = errors.map((e) => e.message ?? e.type ?? "unknown error").join("; ");
    const has = (type: string, pattern: RegExp) =>
      errors.some((e) => e.type === type || pattern.test(e.message ?? ""));
    if (has("FORBIDDEN", /not accessible by integration/i))
      return fail(detail, grantAdvice(repository, permission), false);
    if (has("NOT_FOUND", /could not resolve to a repository/i))
      return fail(detail, installAdvice(repository), false);
    if (has("RATE_LIMITED", /rate limit/i)) return fail(detail, RATE_LIMIT_ADVICE, true);
    if (has("SERVICE_UNAVAILABLE", /something went wrong|timed? ?out|timeout/i)) {
      return fail(detail, UNAVAILABLE_ADVICE, true);
    }
    if (/rule violation|protected branch|branch protection/i.test(detail)) {
      return fail(detail, protectionAdvice(repository), false);
    }
    return fail(
      detail,
      "the request was refused as sent; check the message above and the App's access",
      false,
    );
  }

  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status !== "number") {
    // The throttling plugin's own error for a GraphQL RATE_LIMITED answer it chose not to wait out.
    if (/rate limit/i.test(message)) return fail(message, RATE_LIMIT_ADVICE, true);
    return error;
  }
  const detail = `${status} ${message}`;
  const remaining = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers?.[
    "x-ratelimit-remaining"
  ];
  if (status === 429 || (status === 403 && (/rate limit/i.test(message) || remaining === "0"))) {
    return fail(detail, RATE_LIMIT_ADVICE, true);
  }
  if (status === 401) {
    return fail(
      detail,
      "GitHub rejected the App's credentials: check the App id and that the private key is a current key of that App (and the server clock)",
      false,
    );
  }
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return fail(detail, grantAdvice(repository, permission), false);
  }
  if (status === 404) return fail(detail, installAdvice(repository), false);
  if (status >= 500 || status === 0) return fail(detail, UNAVAILABLE_ADVICE, true);
  return fail(detail, "the request was refused as sent; check the message above and the App's access", false);
}

const RATE_LIMIT_ADVICE =
  "GitHub rate-limited the App beyond what is worth waiting for; the event will be retried";
const UNAVAILABLE_ADVICE =
  "GitHub did not answer properly after retries (see https://www.githubstatus.com); the event will be retried";

function grantAdvice(repository: string, permission: string): string {
  return `grant the GitHub App "${permission}" on ${repository} and accept the new permissions in the installation`;
}

function installAdvice(repository: string): string {
  return `check that ${repository} exists and that the GitHub App is installed on it (installation repository access)`;
}

function protectionAdvice(repository: string): string {
  return `the branch of ${repository} is protected against direct commits: add the GitHub App to the ruleset's bypass list or point heimdall at an unprotected branch`;
}
