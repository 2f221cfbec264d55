import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createAppAuthority } from "./app-authority.ts";
import type { EmulatedCommitRequest, EmulatorState } from "./emulator-state.ts";
import { createGitRepo } from "./git-repo.ts";
import { type EmulatorResponse, githubErrorResponse } from "./github-error-response.ts";
import { createGraphqlEndpoint } from "./graphql-endpoint.ts";
import { createMutex } from "./mutex.ts";
import { loadOpenApiCatalog } from "./openapi-catalog.ts";
import { createRestHandlers } from "./rest-handlers.ts";

export interface GitHubEmulatorOptions {
  readonly owner: string;
  readonly repo: string;
  /** Default `main`. */
  readonly defaultBranch?: string;
  /** Initial tree: path → contents. */
  readonly files: Readonly<Record<string, string | Buffer>>;
  readonly appId: number;
  /** App slug, used for the bot author of commits; default `heimdall`. */
  readonly appSlug?: string;
  /** PEM public key matching the private key the client signs app JWTs with. */
  readonly publicKey: string;
  readonly installationId: number;
  /** Delay added to every request, for benchmarks that model network round trips. */
  readonly latencyMs?: number;
  /** Installation token lifetime, default 3600 s like GitHub. */
  readonly tokenLifetimeSeconds?: number;
  /** Clock for JWT and token expiry checks, ms since epoch; default `Date.now`. */
  readonly now?: () => number;
}

export interface LoggedRequest {
  readonly method: string;
  /** Path as the client sent it, with query string. */
  readonly path: string;
  /** REST operation id (`repos/get-content`), `graphql query`/`graphql mutation`, or `unknown`. */
  readonly operation: string;
  /** GraphQL top-level fields, e.g. `["createCommitOnBranch"]`; empty for REST. */
  readonly graphqlFields: readonly string[];
  /** Status the emulator answered with. */
  status: number;
}

export interface EmulatedCommit {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly headline: string;
  readonly body: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly committer: { readonly name: string; readonly email: string };
  /** True for commits GitHub itself made through the API (signed by GitHub's web-flow key). */
  readonly verified: boolean;
}

export type MutationHook = (context: {
  readonly via: EmulatedCommitRequest["via"];
  readonly branch: string;
  readonly expectedHeadOid: string;
}) => void | Promise<void>;

export interface GitHubEmulatorFaults {
  /** The next `n` requests (matching `match`, if given) fail with `status` and a GitHub-like body. */
  failNext(n: number, status: number, match?: (request: LoggedRequest) => boolean): void;
  /** The next `n` requests get GitHub's secondary-rate-limit 403 with a `retry-after` header. */
  secondaryRateLimitNext(n: number, retryAfterSeconds: number): void;
  /** Runs `hook` before the next `times` (default 1) commits compare the head — e.g. to push a competing commit. */
  beforeMutation(hook: MutationHook, times?: number): void;
  /** Every installation token issued so far is expired from now on. */
  expireTokens(): void;
}

/**
 * A GitHub API emulator for tests, see `createGitHubEmulator`. `url` is the API base URL clients
 * use (`baseUrl` for Octokit; GraphQL at `${url}/graphql`). `url + "/api/v3"` with `${url}/api/graphql`
 * works too, as for GitHub Enterprise Server.
 */
export interface GitHubEmulator {
  readonly url: string;
  /** The bare git repository behind the emulator; inspect with `git -C repoDir log`. */
  readonly repoDir: string;
  readonly requests: readonly LoggedRequest[];
  readonly faults: GitHubEmulatorFaults;
  /** Head oid of a branch (default branch when omitted). */
  head(branch?: string): Promise<string>;
  /** Commits reachable from the default branch, newest first. */
  commits(): Promise<readonly EmulatedCommit[]>;
  /** Someone else pushes: writes `files` (null deletes) on the default branch, unsigned. Returns the oid. */
  pushCommit(files: Readonly<Record<string, string | Buffer | null>>, message: string): Promise<string>;
  /** File text on the default branch (or `ref`), undefined when absent. */
  readFile(path: string, ref?: string): Promise<string | undefined>;
  close(): Promise<void>;
}

const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ";
const SECONDARY_RATE_LIMIT_DOCS =
  "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * Starts a GitHub API emulator on 127.0.0.1 (random port) over a real bare git repository in a temp
 * directory, seeded with `files` as one commit on `defaultBranch`.
 *
 * Requests are held to GitHub's published contracts: GraphQL documents are validated against GitHub's
 * schema, REST routes/parameters/bodies against GitHub's OpenAPI description (and 2xx response bodies
 * too, so the emulator cannot drift — a drift answers 500 naming the mismatch). Auth works like
 * GitHub's: app JWTs (RS256, checked against `publicKey`) for app endpoints, emulator-issued
 * installation tokens for the rest. `createCommitOnBranch` and contents `PUT` make real commits,
 * serialized by a mutex, authored by `<appSlug>[bot]`, committed by `GitHub <noreply@github.com>`.
 *
 * @example
 * const keys = generateAppKeyPair();
 * const gh = await createGitHubEmulator({ owner: "wafflestudio", repo: "gitops", files: { "apps/a.yaml": "image: x:1\n" },
 *   appId: 1, publicKey: keys.publicKey, installationId: 2 });
 * try { ... new Octokit({ baseUrl: gh.url, ... }) ... } finally { await gh.close(); }
 */
export async function createGitHubEmulator(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const defaultBranch = options.defaultBranch ?? "main";
  const now = options.now ?? Date.now;
  const tempDir = await mkdtemp(join(tmpdir(), "github-emulator-"));
  const git = createGitRepo(join(tempDir, `${options.repo}.git`));
  await git.init(defaultBranch, options.files, "Initial commit");
  const catalog = loadOpenApiCatalog();
  const mutex = createMutex();
  const verified = new Set<string>();
  const requests: LoggedRequest[] = [];
  const failures: { remaining: number; status: number; match?: (request: LoggedRequest) => boolean }[] = [];
  let rateLimited = { remaining: 0, retryAfterSeconds: 0 };
  const hooks: { hook: MutationHook; remaining: number }[] = [];
  let baseUrl = "";
  const authority = createAppAuthority({
    appId: options.appId,
    publicKey: options.publicKey,
    installationId: options.installationId,
    now,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
  });
  const appSlug = options.appSlug ?? "heimdall";

  const state: EmulatorState = {
    owner: options.owner,
    repo: options.repo,
    nameWithOwner: `${options.owner}/${options.repo}`,
    defaultBranch,
    htmlBaseUrl: "https://github.com",
    apiBaseUrl: () => baseUrl,
    appId: options.appId,
    appSlug,
    installationId: options.installationId,
    git,
    authority,
    now,
    verified,
    async commit(request) {
      const pending = hooks[0];
      if (pending) {
        pending.remaining -= 1;
        if (pending.remaining <= 0) hooks.shift();
        await pending.hook({
          via: request.via,
          branch: request.branch,
          expectedHeadOid: request.expectedHeadOid,
        });
      }
      return mutex.run(async () => {
        const result = await git.commitOnto({
          ref: `refs/heads/${request.branch}`,
          expectedOid: request.expectedHeadOid,
          additions: request.additions,
          deletions: request.deletions,
          message: request.message,
          author: {
            name: `${appSlug}[bot]`,
            email: `${options.appId}+${appSlug}[bot]@users.noreply.github.com`,
          },
          committer: { name: "GitHub", email: "noreply@github.com" },
          date: new Date(now()),
        });
        if (result.ok) verified.add(result.oid);
        return result;
      });
    },
  };
  const graphql = createGraphqlEndpoint(state);
  const rest = createRestHandlers(state);

  async function route(
    request: IncomingMessage,
    entry: LoggedRequest,
    url: URL,
    body: unknown,
    malformed: boolean,
  ): Promise<EmulatorResponse> {
    const failure = failures.find((candidate) => !candidate.match || candidate.match(entry));
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      return githubErrorResponse(failure.status, failure.status >= 500 ? "Server Error" : "Injected failure");
    }
    if (rateLimited.remaining > 0) {
      rateLimited.remaining -= 1;
      return githubErrorResponse(
        403,
        `${SECONDARY_RATE_LIMIT_MESSAGE}${randomUUID()}.`,
        SECONDARY_RATE_LIMIT_DOCS,
        {
          "retry-after": String(rateLimited.retryAfterSeconds),
        },
      );
    }
    if (malformed) return githubErrorResponse(400, "Problems parsing JSON");
    if (entry.operation.startsWith("graphql")) {
      const auth = authority.checkInstallationToken(request.headers.authorization);
      if (!auth.ok)
        return githubErrorResponse(
          401,
          "This endpoint requires you to be authenticated.",
          "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
        );
      const answer = await graphql.handle(body);
      return { status: 200, body: answer.body };
    }
    const operation = catalog.match(request.method ?? "GET", restPath(url.pathname));
    if (!operation) return githubErrorResponse(404, "Not Found");
    const params = catalog.validateParams(operation, url.searchParams);
    if (!params.ok) return githubErrorResponse(422, params.message);
    const valid = catalog.validateBody(operation, body);
    if (!valid.ok) return githubErrorResponse(422, valid.message);
    const answer = await rest.handle({
      operation,
      query: url.searchParams,
      body,
      authorization: request.headers.authorization,
    });
    if (answer.status >= 200 && answer.status < 300) {
      const drift = catalog.validateResponse(operation, answer.status, answer.body);
      if (!drift.ok)
        return githubErrorResponse(
          500,
          `GitHub emulator drift in ${operation.operationId}: ${drift.message}`,
        );
    }
    return answer;
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    if (options.latencyMs) await delay(options.latencyMs);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const isGraphql = method === "POST" && (url.pathname === "/graphql" || url.pathname === "/api/graphql");
    let body: unknown;
    let malformed = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        malformed = true;
      }
    }
    let operation = "unknown";
    let graphqlFields: readonly string[] = [];
    if (isGraphql) {
      const described = graphql.describe(body);
      operation = `graphql ${described.operationType}`;
      graphqlFields = described.rootFields;
    } else {
      operation = catalog.match(method, restPath(url.pathname))?.operationId ?? "unknown";
    }
    const entry: LoggedRequest = { method, path: request.url ?? "/", operation, graphqlFields, status: 0 };
    requests.push(entry);
    let answer: EmulatorResponse;
    try {
      answer = await route(request, entry, url, body, malformed);
    } catch (error) {
      answer = githubErrorResponse(
        500,
        `GitHub emulator failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    entry.status = answer.status;
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-request-id": randomUUID(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-used": "1",
      "x-ratelimit-reset": String(Math.floor(now() / 1000) + 3600),
      "x-ratelimit-resource": isGraphql ? "graphql" : "core",
      ...answer.headers,
    });
    response.end(text);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    repoDir: git.dir,
    requests,
    faults: {
      failNext(n, status, match) {
        failures.push(match ? { remaining: n, status, match } : { remaining: n, status });
      },
      secondaryRateLimitNext(n, retryAfterSeconds) {
        rateLimited = { remaining: n, retryAfterSeconds };
      },
      beforeMutation(hook, times = 1) {
        hooks.push({ hook, remaining: times });
      },
      expireTokens() {
        authority.expireAllTokens();
      },
    },
    async head(branch = defaultBranch) {
      const oid = await git.revParse(`refs/heads/${branch}`);
      if (!oid) throw new Error(`Branch ${branch} does not exist in the emulator's repository`);
      return oid;
    },
    async commits() {
      const head = await git.revParse(`refs/heads/${defaultBranch}`);
      const oids = head ? await git.history(head, { max: 10_000 }) : [];
      return Promise.all(
        oids.map(async (oid) => {
          const commit = await git.readCommit(oid);
          const message = commit.message.replace(/\n$/, "");
          const split = message.indexOf("\n\n");
          return {
            oid,
            parents: commit.parents,
            message,
            headline: split === -1 ? message : message.slice(0, split),
            body: split === -1 ? "" : message.slice(split + 2),
            author: { name: commit.author.name, email: commit.author.email },
            committer: { name: commit.committer.name, email: commit.committer.email },
            verified: verified.has(oid),
          };
        }),
      );
    },
    async pushCommit(files, message) {
      return mutex.run(async () => {
        const ref = `refs/heads/${defaultBranch}`;
        const head = await git.revParse(ref);
        if (!head) throw new Error(`Branch ${defaultBranch} does not exist in the emulator's repository`);
        const person = { name: "Someone Else", email: "someone@example.com" };
        const result = await git.commitOnto({
          ref,
          expectedOid: head,
          additions: Object.entries(files).flatMap(([path, contents]) =>
            contents === null
              ? []
              : [{ path, bytes: Buffer.isBuffer(contents) ? contents : Buffer.from(contents, "utf8") }],
          ),
          deletions: Object.entries(files).flatMap(([path, contents]) => (contents === null ? [path] : [])),
          message,
          author: person,
          committer: person,
          date: new Date(now()),
        });
        if (!result.ok) throw new Error(`pushCommit failed: ${result.reason}`);
        return result.oid;
      });
    },
    async readFile(path, ref = defaultBranch) {
      const oid = await git.revParse(`${ref}^{commit}`);
      const entry = oid ? await git.entryAt(oid, path) : undefined;
      if (entry?.type !== "blob") return undefined;
      return (await git.readBlob(entry.oid)).toString("utf8");
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

// GitHub Enterprise Server serves REST under /api/v3.
function restPath(pathname: string): string {
  return pathname.startsWith("/api/v3/") ? pathname.slice("/api/v3".length) : pathname;
}
