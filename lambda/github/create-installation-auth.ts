import { createAppAuth, type StrategyOptions } from "@octokit/auth-app";
import { memoizeUntilSuccess } from "../core/index.ts";

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
}

/** An Octokit auth strategy: callable like auth-app's `auth(...)`, with a request `hook`. */
export type InstallationAuth = AppAuth;

/**
 * An Octokit `authStrategy` that authenticates every request as the GitHub App installation on
 * `owner/repo`, like `createAppAuth` with `installationId`, except that the installation id may be
 * left out: the first request then looks it up with `GET /repos/{owner}/{repo}/installation` signed with
 * the app JWT, and the answer is kept for the life of the strategy (the Lambda container).
 *
 * Token handling is auth-app's own, unchanged: the installation token is requested on first use, cached
 * for 59 minutes (GitHub issues one-hour tokens, so it is renewed before it expires), concurrent first
 * requests share one token request, and a 401 right after issuing is retried for token replication.
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
  const common = {
    appId,
    privateKey,
    ...(options.request === undefined ? {} : { request: options.request }),
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

  const hook: AuthHook = async (request, route, parameters) => {
    // App routes (the discovery above among them) are signed with the app JWT and need no installation;
    // waiting for the installation here would deadlock the discovery request on itself.
    const { url } =
      typeof route === "string" ? request.endpoint.merge(route, parameters) : request.endpoint.merge(route);
    if (isAppRoute((url ?? "").replace(request.endpoint.DEFAULTS.baseUrl, "")))
      return appAuth.hook(request, route, parameters);
    return (await forInstallation(request)).hook(request, route, parameters);
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
