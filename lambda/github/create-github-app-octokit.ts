import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck/light.js";
import { createInstallationAuth } from "./create-installation-auth.ts";
import { normalizePrivateKey } from "./normalize-private-key.ts";

const HeimdallOctokit = Octokit.plugin(retry, throttling);

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
  readonly request?: Readonly<Record<string, unknown>>;
  /** Where Octokit, auth-app and the rate-limit handlers warn; Octokit's console logger by default. */
  readonly log?: OctokitLog;
  /** Overrides for the retry policy below (tests shorten the waits). */
  readonly retry?: {
    readonly retries?: number;
    /** Milliseconds per backoff unit; waits are 1, 4, 9 … units. Default 1000. */
    readonly retryAfterBaseValue?: number;
  };
  /** Overrides for the rate-limit policy below. */
  readonly throttle?: {
    /** How many times one request may wait out a rate limit. Default 1. */
    readonly maxRetries?: number;
    /** A longer wait than this fails the request instead (Lambda time is bounded). Default 20. */
    readonly maxRetryAfterSeconds?: number;
    /** Milliseconds per second of `retry-after`. Default 1000; tests shrink it. */
    readonly retryAfterBaseValue?: number;
    /**
     * Octokits with the same id share the request spacing below within a process. Default: one id per
     * App installation (`appId` + owner/repo), since GitHub's limits are per installation.
     */
    readonly id?: string;
  };
}

/** Where Octokit logs; the Lambda passes a redacting Powertools logger. */
export interface OctokitLog {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/**
 * Builds the Octokit the Lambda uses, authenticated as the GitHub App's installation on `owner/repo`.
 * Build it once per container (module scope) so the installation token and installation id are reused
 * across invocations; `@octokit/auth-app` renews the one-hour token a minute before it expires.
 *
 * Failure policy, chosen for a write path guarded by `expectedHeadOid`:
 * - Every wait below fits the function's 60 s timeout with room for the work: a read and a commit can each
 *   spend at most 5 s on 5xx retries plus 20 s on one rate-limit wait. Anything longer fails the event
 *   fast and SQS redelivers it, instead of the Lambda timing out mid-wait and tripping the error alarm.
 * - 5xx and network errors are retried `retries` (2) times after 1 s and 4 s. Retrying the commit
 *   mutation is safe: if a lost response hid a commit that landed, the retry fails as a stale head and
 *   the use case re-reads and finds nothing left to do — it can never commit twice.
 * - 409 and 422 are never retried blindly: the same request would fail the same way. A stale head is a
 *   GraphQL error the use case handles by re-reading and re-applying. 400/401/403/404/410/451 are final
 *   too (auth-app already retries a 401 right after issuing a token, for replication lag).
 * - Rate limits (primary: `x-ratelimit-remaining: 0`; secondary: 403/429 "secondary rate limit", or a
 *   GraphQL `RATE_LIMITED` error) are waited out honoring `retry-after` / `x-ratelimit-reset`, at most
 *   `maxRetries` (1) time and only when the wait is ≤ `maxRetryAfterSeconds` (20 s). Longer waits fail
 *   the request so the event is retried later instead of the Lambda timing out mid-wait.
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
  const maxRetries = options.throttle?.maxRetries ?? 1;
  const maxRetryAfterSeconds = options.throttle?.maxRetryAfterSeconds ?? 20;

  function onLimit(kind: string) {
    return (
      retryAfter: number,
      request: { method: string; url: string },
      octokit: { log: { warn(message: string): void } },
      retryCount: number,
    ) => {
      const retrying = retryCount < maxRetries && retryAfter <= maxRetryAfterSeconds;
      octokit.log.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${
          retrying
            ? `retrying after ${retryAfter}s (retry ${retryCount + 1} of ${maxRetries})`
            : `giving up (retry-after ${retryAfter}s, ${retryCount} retries made)`
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
    },
    retry: {
      retries: options.retry?.retries ?? 2,
      retryAfterBaseValue: options.retry?.retryAfterBaseValue ?? 1000,
      // Octokit's default list plus 409 (conflict: retrying cannot help) and 429 (left to the throttling
      // plugin, which honors retry-after instead of a fixed backoff).
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
    throttle: {
      id: options.throttle?.id ?? `heimdall:${options.appId}:${owner}/${repo}`,
      retryAfterBaseValue: options.throttle?.retryAfterBaseValue ?? 1000,
      write: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    },
  });
}
