import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppAuthority } from "./app-authority.ts";
import { createRequestHandler } from "./create-request-handler.ts";
import type { EmulatorState } from "./emulator-state.ts";
import { createFaultInjector, type GitHubEmulatorFaults, type LoggedRequest } from "./fault-injector.ts";
import { createGitRefs, ZERO_OID } from "./git-refs.ts";
import { createGitRepo } from "./git-repo.ts";
import { createGraphqlEndpoint } from "./graphql-endpoint.ts";
import { createMutex } from "./mutex.ts";
import { loadOpenApiCatalog } from "./openapi-catalog.ts";
import {
  createPullRequestStore,
  type EmulatedMergeMethod,
  type EmulatedPullRequest,
  type EmulatedRepositorySettings,
} from "./pull-request-store.ts";
import { createRestHandlers } from "./rest-handlers.ts";

export type { GitHubEmulatorFaults, LoggedRequest, MutationHook } from "./fault-injector.ts";
export type { EmulatedPullRequest, EmulatedRepositorySettings } from "./pull-request-store.ts";

export interface GitHubEmulatorOptions {
  readonly owner: string;
  readonly repo: string;
  /** Default `main`. */
  readonly defaultBranch?: string;
  /** Initial tree: path → contents, or `{ symlink: target }` for a symbolic link. */
  readonly files: Readonly<Record<string, string | Buffer | { readonly symlink: string }>>;
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
  /**
   * Someone else pushes: writes `files` (null deletes) on `branch` (default branch), unsigned. Returns the oid.
   * `at` dates the commit (author and committer) instead of the emulator's clock, to lay out a history.
   */
  pushCommit(
    files: Readonly<Record<string, string | Buffer | null>>,
    message: string,
    branch?: string,
    at?: Date,
  ): Promise<string>;
  /** Every pull request so far, oldest first (live objects: read, do not change). */
  pullRequests(): readonly EmulatedPullRequest[];
  /** Repository settings and the installation's pull request permission; change them to set up a test. */
  readonly settings: EmulatedRepositorySettings;
  /** Label names the repository has. */
  labels(): readonly string[];
  /** A person closes pull request `number` without merging. */
  closePullRequest(number: number): Promise<void>;
  /** A person merges pull request `number` (default: a merge commit). */
  mergePullRequest(number: number, method?: EmulatedMergeMethod): Promise<void>;
  /** A person deletes a branch (GitHub closes its open pull request). */
  deleteBranch(branch: string): Promise<void>;
  /** File text on the default branch (or `ref`), undefined when absent. */
  readFile(path: string, ref?: string): Promise<string | undefined>;
  close(): Promise<void>;
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
  let baseUrl = "";
  const authority = createAppAuthority({
    appId: options.appId,
    publicKey: options.publicKey,
    installationId: options.installationId,
    now,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
  });
  const appSlug = options.appSlug ?? "heimdall";
  const injector = createFaultInjector(() => authority.expireAllTokens());
  const refs = createGitRefs(git.dir);
  const bot = { name: `${appSlug}[bot]`, email: `${options.appId}+${appSlug}[bot]@users.noreply.github.com` };
  const pulls = createPullRequestStore({
    refs,
    lock: mutex,
    now,
    bot,
    markVerified: (oid) => verified.add(oid),
  });
  const moveRefs = async (changes: Parameters<typeof refs.update>[0]) =>
    mutex.run(async () => {
      const result = await refs.update(changes);
      if (result.ok) await pulls.syncAfterRefChange(changes.map((change) => change.name));
      return result;
    });

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
      await injector.beforeMutation({
        via: request.via,
        branch: request.branch,
        expectedHeadOid: request.expectedHeadOid,
      });
      return mutex.run(async () => {
        const result = await git.commitOnto({
          ref: `refs/heads/${request.branch}`,
          expectedOid: request.expectedHeadOid,
          additions: request.additions,
          deletions: request.deletions,
          message: request.message,
          author: bot,
          committer: { name: "GitHub", email: "noreply@github.com" },
          date: new Date(now()),
        });
        if (result.ok) verified.add(result.oid);
        return result;
      });
    },
    refs,
    pulls,
    async moveRefs(changes) {
      const first = changes[0];
      await injector.beforeMutation({
        via: "updateRefs",
        branch: first?.name.replace(/^refs\/heads\//, "") ?? "",
        expectedHeadOid: first?.beforeOid ?? "",
      });
      return moveRefs(changes);
    },
  };
  const graphql = createGraphqlEndpoint(state);
  const rest = createRestHandlers(state);

  const server = createServer(
    createRequestHandler({
      state,
      catalog,
      graphql,
      rest,
      injector,
      log: requests,
      latencyMs: options.latencyMs ?? 0,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    repoDir: git.dir,
    requests,
    faults: injector.faults,
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
    async pushCommit(files, message, branch = defaultBranch, at?: Date) {
      return mutex.run(async () => {
        const ref = `refs/heads/${branch}`;
        const head = await git.revParse(ref);
        if (!head) throw new Error(`Branch ${branch} does not exist in the emulator's repository`);
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
          date: at ?? new Date(now()),
        });
        if (!result.ok) throw new Error(`pushCommit failed: ${result.reason}`);
        return result.oid;
      });
    },
    pullRequests: () => pulls.pulls,
    settings: pulls.settings,
    labels: () => [...pulls.labels.keys()],
    closePullRequest: (number) => pulls.close(pulls.find(number)),
    async mergePullRequest(number, method = "MERGE") {
      await pulls.merge(pulls.find(number), method, { name: "Reviewer", email: "reviewer@example.com" });
    },
    async deleteBranch(branch) {
      const result = await moveRefs([{ name: `refs/heads/${branch}`, afterOid: ZERO_OID, force: true }]);
      if (!result.ok) throw new Error(`deleteBranch failed: ${result.reason}`);
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
      git.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
