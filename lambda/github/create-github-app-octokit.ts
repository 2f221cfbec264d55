import { Octokit, type OctokitOptions } from "@octokit/core";
import { type ThrottlingOptions, throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck/light.js";
import { createInstallationAuth } from "./create-installation-auth.ts";
import {
  GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS,
  GITHUB_RATE_LIMIT_RETRIES,
  GITHUB_RETRY_UNIT_MS,
  GITHUB_SERVER_ERROR_RETRIES,
} from "./github-retry-policy.ts";
import { normalizePrivateKey } from "./normalize-private-key.ts";
import { type RetryWithinDeadlineOptions, retryWithinDeadline } from "./retry-within-deadline.ts";

const HeimdallOctokit = Octokit.plugin(retryWithinDeadline, throttling);

/** The Octokit heimdall talks to GitHub with: core + retry + throttling, authenticated as the installation. */
export type GitHubAppOctokit = InstanceType<typeof HeimdallOctokit>;

/** The GitHub App, its installation, the API base URL and the retry/rate-limit policy overrides. */
export interface GitHubAppOctokitOptions {
  readonly appId: number | string;
  /** PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`, what GitHub downloads) or PKCS#8 (`BEGIN PRIVATE KEY`). */
  readonly privateKey: string;
  /** Omitted: looked up once from `owner/repo` (`GET /repos/{owner}/{repo}/installation`) and kept. */
  readonly installationId?: number;
  readonly owner: string;
  readonly repo: string;
  /** `https://api.github.com` by default; GitHub Enterprise Server: `https://HOST/api/v3`. */
  readonly baseUrl?: string;
  /** Octokit request options, e.g. `{ fetch }` or `{ timeout }`. */
  readonly request?: OctokitOptions["request"];
  /**
   * Where Octokit, auth-app and the rate-limit handlers warn; Octokit's console logger by default. The
   * Lambda passes a redacting Powertools logger.
   */
  readonly log?: OctokitOptions["log"];
  /**
   * Overrides for the retry policy below (tests shorten the waits): `retries` (default
   * `GITHUB_SERVER_ERROR_RETRIES`) and `retryAfterBaseValue`, the backoff unit in ms (retry n waits
   * unit × n²; default `GITHUB_RETRY_UNIT_MS`).
   */
  readonly retry?: Pick<RetryWithinDeadlineOptions, "retries" | "retryAfterBaseValue">;
  /** Overrides for the installation-token request's own retries (tests shorten the waits). */
  readonly tokenRetry?: { readonly waitsMs?: readonly number[] };
  /** The clock request deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
  /**
   * Overrides for the rate-limit policy below: `retryAfterBaseValue` (ms per second of `retry-after`,
   * default 1000; tests shrink it) and `id` (Octokits with the same id share the request spacing within a
   * process; default one id per App installation, `appId` + owner/repo, since GitHub's limits are per
   * installation), plus heimdall's own bounds.
   */
  readonly throttle?: Pick<ThrottlingOptions, "retryAfterBaseValue" | "id"> & {
    /** How many times one request may wait out a rate limit. Default `GITHUB_RATE_LIMIT_RETRIES`. */
    readonly maxRetries?: number;
    /** A longer wait fails the request instead. Default `GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS`. */
    readonly maxRetryAfterSeconds?: number;
  };
}

/**
 * Builds the Octokit the Lambda uses, authenticated as the GitHub App's installation on `owner/repo`.
 * Build it once per container (module scope) so the installation token and installation id are reused
 * across invocations; `@octokit/auth-app` renews the one-hour token a minute before it expires.
 *
 * Failure policy, chosen for a write path guarded by `expectedHeadOid`:
 * - Every wait respects the request's deadline: a request made with `request: { deadline }` (ms since the
 *   epoch, on `now`'s clock; the adapter passes the invocation's) is aborted at it, and no retry or
 *   rate-limit wait that would end past it is taken — the request fails and the event goes back to the
 *   queue before Lambda would kill the invocation mid-wait. Without a deadline the waits are still bounded
 *   by `githubWorstCaseWaitMs()` (`lambda/github/github-retry-policy.ts`).
 * - 5xx and network errors are retried `GITHUB_SERVER_ERROR_RETRIES` (2) times, after 1 s and 4 s
 *   (`retryWithinDeadline`). A commit mutation re-sent after a lost reply that then meets a moved branch
 *   looks for its own landed commit (`findLandedCommit`) and reports it — it can never commit twice.
 * - 4xx answers are never retried blindly: the same request would fail the same way. A stale head is a
 *   GraphQL error the use case handles by re-reading and re-applying. A 401 on a cached installation token
 *   (revoked) drops the token and retries once with a new one (`createInstallationAuth`); the token request
 *   itself retries on its own small budget, never nested inside these retries.
 * - Rate limits (primary: `x-ratelimit-remaining: 0`; secondary: 403/429 "secondary rate limit", or a
 *   GraphQL `RATE_LIMITED` error) are waited out honoring `retry-after` / `x-ratelimit-reset`, at most
 *   `GITHUB_RATE_LIMIT_RETRIES` (1) time and only when the wait is ≤ `GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS`
 *   (20 s) and ends before the deadline. Longer waits fail the request so the event is retried later.
 * - GitHub asks for ≥ 1 s between *mutative* requests. The throttling plugin's default spaces every GraphQL
 *   request (reads too) and every write 1 s apart, which would put a second between heimdall's read and its
 *   commit on every event. Its `write` limiter is replaced by one without spacing, and `createGitHubGitOps`
 *   spaces its own commits ≥ 1 s apart instead: the guidance holds, the read→commit path is not delayed.
 *
 * GitHub Enterprise Server: pass `baseUrl: "https://HOST/api/v3"`; GraphQL then goes to
 * `https://HOST/api/graphql` (done by `@octokit/graphql`). Error messages never contain the key or tokens.
 *
 * @example
 * const octokit = createGitHubAppOctokit({ appId: 12345, privateKey: pem, owner: "wafflestudio", repo: "gitops" });
 * const repository = createGitHubGitOps({ octokit, owner: "wafflestudio", repo: "gitops" });
 */
export function createGitHubAppOctokit(options: GitHubAppOctokitOptions): GitHubAppOctokit {
  const { owner, repo } = options;
  const maxRetries = options.throttle?.maxRetries ?? GITHUB_RATE_LIMIT_RETRIES;
  const maxRetryAfterSeconds = options.throttle?.maxRetryAfterSeconds ?? GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS;
  const msPerSecond = options.throttle?.retryAfterBaseValue ?? 1000;
  const now = options.now ?? Date.now;

  function onLimit(kind: string) {
    return (
      retryAfter: number,
      request: { method: string; url: string; request?: object },
      octokit: { log: { warn(message: string): void } },
      retryCount: number,
    ) => {
      const deadline = (request.request as { deadline?: unknown } | undefined)?.deadline;
      const pastDeadline = typeof deadline === "number" && now() + retryAfter * msPerSecond >= deadline;
      const retrying = retryCount < maxRetries && retryAfter <= maxRetryAfterSeconds && !pastDeadline;
      octokit.log.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${
          retrying
            ? `retrying after ${retryAfter}s (retry ${retryCount + 1} of ${maxRetries})`
            : `giving up (retry-after ${retryAfter}s${pastDeadline ? ", past the invocation's deadline" : ""}, ${retryCount} retries made)`
        }`,
      );
      return retrying;
    };
  }

  return new HeimdallOctokit({
    baseUrl: options.baseUrl ?? "https://api.github.com",
    userAgent: "ecr-heimdall",
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.request === undefined ? {} : { request: options.request }),
    authStrategy: createInstallationAuth,
    auth: {
      appId: options.appId,
      privateKey: normalizePrivateKey(options.privateKey),
      owner,
      repo,
      ...(options.installationId === undefined ? {} : { installationId: options.installationId }),
      now,
      ...(options.tokenRetry?.waitsMs === undefined ? {} : { tokenRetryWaitsMs: options.tokenRetry.waitsMs }),
    },
    retry: {
      retries: options.retry?.retries ?? GITHUB_SERVER_ERROR_RETRIES,
      retryAfterBaseValue: options.retry?.retryAfterBaseValue ?? GITHUB_RETRY_UNIT_MS,
      now,
    },
    throttle: {
      id: options.throttle?.id ?? `heimdall:${options.appId}:${owner}/${repo}`,
      retryAfterBaseValue: msPerSecond,
      write: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    },
  });
}
