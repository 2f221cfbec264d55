import { createAppAuth, type StrategyOptions } from "@octokit/auth-app";
import { sleep as defaultSleep, memoizeUntilSuccess } from "../core/index.ts";
import { isTransientFailure } from "./retry-within-deadline.ts";
import { toGitHubApiError } from "./to-github-api-error.ts";
import { withRetries } from "./with-retries.ts";

type AppAuth = ReturnType<typeof createAppAuth>;
type AuthHook = AppAuth["hook"];
type RequestInterface = Parameters<AuthHook>[0];

/** What Octokit passes to an `authStrategy`, merged with our `auth` options. */
export interface InstallationAuthOptions extends Pick<StrategyOptions, "appId" | "request" | "log"> {
  /** PKCS#8 PEM; see `normalizePrivateKey`. */
  readonly privateKey: string;
  /** Omitted: discovered once with `GET /repos/{owner}/{repo}/installation` (app JWT) and kept. */
  readonly installationId?: number;
  readonly owner: string;
  readonly repo: string;
  /** The clock request deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pauses before the token request's own retries. Default {@link TOKEN_REQUEST_WAITS_MS}. */
  readonly tokenRetryWaitsMs?: readonly number[];
}

/** The installation-token request retries on its own budget: these pauses (ms), after a 5xx or network failure. */
export const TOKEN_REQUEST_WAITS_MS: readonly number[] = [500, 1500];
/** Longest single installation-token request, in ms. */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000;
// GitHub may answer 401 to a token issued a moment ago (replication); older than this, a 401 means revoked.
const FRESH_TOKEN_MS = 5000;
const REPLICATION_WAIT_MS = 1000;

/** An Octokit auth strategy: callable like auth-app's `auth(...)`, with a request `hook`. */
export type InstallationAuth = AppAuth;

/**
 * An Octokit `authStrategy` that authenticates every request as the GitHub App installation on
 * `owner/repo`, like `createAppAuth` with `installationId`, except that the installation id may be
 * left out: the first request then looks it up with `GET /repos/{owner}/{repo}/installation` signed with
 * the app JWT, and the answer is kept for the life of the strategy (the Lambda container).
 *
 * Tokens come from auth-app: requested on first use, cached for 59 minutes (GitHub issues one-hour
 * tokens, so it is renewed before it expires), concurrent first requests share one token request. Around
 * that:
 * - The token request goes out on its own, not through Octokit's retrying and throttling hooks (whose
 *   retries would nest inside the retries of the request that needed the token): at most
 *   {@link TOKEN_REQUEST_TIMEOUT_MS} per attempt, retried after {@link TOKEN_REQUEST_WAITS_MS} on a 5xx
 *   or network failure, never past the deadline of the request that needed it (`request: { deadline }`).
 *   When it still fails, that request fails too, without retrying.
 * - A 401 on a token issued seconds ago is retried once after a second (GitHub's replication lag); a 401 on
 *   an older, cached token means it was revoked (or the installation changed): the token is dropped, a
 *   new one requested, and the request retried once — a warm container recovers in the same invocation.
 *
 * A failed discovery is not remembered: the error reaches the caller (and the retry plugin, for a 5xx)
 * and the next request looks again.
 *
 * @example
 * const octokit = new (Octokit.plugin(retry))({
 *   authStrategy: createInstallationAuth,
 *   auth: { appId: 12345, privateKey, owner: "wafflestudio", repo: "gitops" },
 * });
 */
export function createInstallationAuth(options: InstallationAuthOptions): InstallationAuth {
  const { appId, privateKey, owner, repo } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  // The deadline of the request that needs a token now; the token request must not outlive it.
  let tokenDeadline: number | undefined;
  const tokenRequest = options.request?.defaults({
    request: {
      hook: (send: RequestInterface, endpoint: { url: string; request?: object }) =>
        withRetries(
          async (signal) =>
            send(signal === undefined ? endpoint : { ...endpoint, request: { ...endpoint.request, signal } }),
          {
            waitsMs: options.tokenRetryWaitsMs ?? TOKEN_REQUEST_WAITS_MS,
            ...(tokenDeadline === undefined ? {} : { deadline: tokenDeadline }),
            attemptTimeoutMs: TOKEN_REQUEST_TIMEOUT_MS,
            retryable: isTransientFailure,
            what: "requesting an installation token",
            now,
            sleep,
          },
        ),
    },
  });
  const common = {
    appId,
    privateKey,
    ...(tokenRequest === undefined ? {} : { request: tokenRequest }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
  const appAuth = createAppAuth(common);
  const known = options.installationId;
  const forInstallation: (request: RequestInterface) => Promise<AppAuth> =
    known === undefined
      ? memoizeUntilSuccess(async (request: RequestInterface) => {
          const installationId = await discover(request);
          // The factory form shares appAuth's state, token cache included.
          return appAuth({ type: "installation", installationId, factory: (state) => createAppAuth(state) });
        })
      : constant(createAppAuth({ ...common, installationId: known }));

  async function discover(request: RequestInterface): Promise<number> {
    // Signed with the app JWT by auth-app; `hook` lets app routes through without waiting for this lookup.
    const response = await appAuth.hook(request, "GET /repos/{owner}/{repo}/installation", { owner, repo });
    const id: unknown = (response.data as { id?: unknown }).id;
    if (typeof id !== "number") {
      throw new Error(`GET /repos/${owner}/${repo}/installation answered without a numeric installation id`);
    }
    return id;
  }

  async function installationToken(
    installation: AppAuth,
    refresh: boolean,
    deadline: unknown,
  ): Promise<{ token: string; createdAt: string }> {
    tokenDeadline = typeof deadline === "number" ? deadline : undefined;
    try {
      return await installation({ type: "installation", ...(refresh ? { refresh: true } : {}) });
    } catch (error) {
      // Retried enough on its own budget: as a GitHubApiError (no HTTP status) the request that needed
      // the token fails without retrying, so token retries never nest inside request retries.
      throw toGitHubApiError(error, {
        action: `requesting an installation token for ${owner}/${repo}`,
        repository: `${owner}/${repo}`,
      });
    }
  }

  const hook: AuthHook = async (request, route, parameters) => {
    // App routes (the discovery above among them) are signed with the app JWT and need no installation;
    // waiting for the installation here would deadlock the discovery request on itself.
    const endpoint =
      typeof route === "string" ? request.endpoint.merge(route, parameters) : request.endpoint.merge(route);
    if (isAppRoute((endpoint.url ?? "").replace(request.endpoint.DEFAULTS.baseUrl, "")))
      return appAuth.hook(request, route, parameters);
    const installation = await forInstallation(request);
    const deadline = (endpoint.request as { deadline?: unknown } | undefined)?.deadline;
    const send = (token: string) =>
      request({
        ...endpoint,
        url: endpoint.url ?? "",
        headers: { ...endpoint.headers, authorization: `token ${token}` },
      });
    const cached = await installationToken(installation, false, deadline);
    try {
      return await send(cached.token);
    } catch (error) {
      if ((error as { status?: unknown } | null)?.status !== 401) throw error;
      if (now() - Date.parse(cached.createdAt) < FRESH_TOKEN_MS) {
        if (typeof deadline === "number" && now() + REPLICATION_WAIT_MS >= deadline) throw error;
        await sleep(REPLICATION_WAIT_MS);
        return send(cached.token);
      }
      options.log?.warn(
        "GitHub refused the cached installation token (401, revoked?): requesting a new token and retrying once",
      );
      return send((await installationToken(installation, true, deadline)).token);
    }
  };

  const auth = (async (authOptions: Parameters<AppAuth>[0]) => {
    if ((authOptions as { type?: unknown }).type !== "installation" || options.request === undefined) {
      return appAuth(authOptions as never);
    }
    return (await forInstallation(options.request))(authOptions as never);
  }) as AppAuth;
  return Object.assign(auth, { hook });
}

// The app-JWT routes heimdall can reach (`/app…` and the installation lookups), relative to baseUrl.
const APP_ROUTE =
  /^\/(?:app(?:[/?]|$)|(?:repos\/[^/]+\/[^/]+|orgs\/[^/]+|users\/[^/]+)\/installation(?:\?|$))/i;

function constant<T>(value: T): () => Promise<T> {
  const resolved = Promise.resolve(value);
  return () => resolved;
}

function isAppRoute(path: string): boolean {
  return APP_ROUTE.test(path);
}
