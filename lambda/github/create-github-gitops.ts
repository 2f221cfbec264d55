import type { Octokit } from "@octokit/core";
import {
  type CommitRequest,
  type CommitResult,
  type ConfigFileRead,
  DeadlineExceededError,
  sleep as defaultSleep,
  type GitOpsRepository,
  type GitOpsSnapshot,
  type LastChangesRequest,
  type LineChanges,
  type ProposalRequest,
  type ProposalResult,
  type ReadRequest,
  type ReferenceHistory,
  StaleHeadError,
} from "../core/index.ts";
import { buildReadQuery, type ReadTarget } from "./build-read-query.ts";
import { type CollectedFiles, type CommitNode, collectCommitFiles } from "./collect-commit-files.ts";
import { collectProposalStates } from "./collect-proposal-states.ts";
import { findLandedCommit } from "./find-landed-commit.ts";
import { GitHubApiError } from "./github-api-error.ts";
import { GITHUB_COMMIT_SPACING_MS } from "./github-retry-policy.ts";
import { type BlobBatchLimits, DEFAULT_BLOB_BATCH_LIMITS } from "./plan-blob-batches.ts";
import { PULL_REQUESTS_PERMISSION, proposeOnGitHub } from "./propose-on-github.ts";
import { readLineChanges } from "./read-line-changes.ts";
import { readUnreadBlobs } from "./read-unread-blobs.ts";
import { requestOptions } from "./request-options.ts";
import { toGitHubApiError } from "./to-github-api-error.ts";

/** Which repository and branch {@link createGitHubGitOps} works on, through which Octokit. */
export interface GitHubGitOpsOptions {
  /** Any authenticated Octokit; the Lambda passes `createGitHubAppOctokit(...)`. */
  readonly octokit: Pick<Octokit, "graphql" | "request">;
  readonly owner: string;
  readonly repo: string;
  /** Branch to read and commit to; the repository's default branch when omitted. */
  readonly branch?: string;
  /** Directory levels one query expands below each root (default 4: `apps/<ns>/<app>/<overlay>/x.yaml` from `""`). */
  readonly treeDepth?: number;
  /** Least time between two commits of this adapter (GitHub: ≥ 1 s between mutative requests). Default `GITHUB_COMMIT_SPACING_MS`. */
  readonly minCommitIntervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * When the last read of the same roots held more than `aboveFiles` files or `aboveBytes` bytes (default 500
   * and 2 MiB), the next read lists the tree first and reads the texts in bounded batches (`batch`, default
   * `DEFAULT_BLOB_BATCH_LIMITS`; `concurrency` queries at a time, default 4) instead of one query.
   */
  readonly chunkedReads?: {
    readonly aboveFiles?: number;
    readonly aboveBytes?: number;
    readonly batch?: BlobBatchLimits;
    readonly concurrency?: number;
  };
}

interface RefNode {
  readonly name: string;
  readonly target: CommitNode | null;
}

interface ReadAnswer {
  readonly repository: {
    readonly id?: string;
    readonly ref?: RefNode | null;
    readonly defaultBranchRef?: RefNode | null;
    readonly object?: CommitNode | null;
    readonly [proposalField: string]: unknown;
  } | null;
}

// Keeps one follow-up query's alias count (and so GitHub's per-query cost) bounded.
const MAX_ROOTS_PER_QUERY = 100;
// Keeps a byte-order mark in the text: the edit must write the file back byte for byte.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

const COMMIT_MUTATION = `mutation HeimdallCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`;

/**
 * The {@link GitOpsRepository} port over the GitHub API, for the Lambda.
 *
 * `read` costs one GraphQL query however many files the roots hold: branch head oid, config candidates
 * and every `.yaml`/`.yml` blob's text under the roots `treeDepth` levels down all come from one
 * `Commit`, so they are consistent with each other. Only two things add requests: directories deeper
 * than `treeDepth` (one follow-up query per extra `treeDepth` levels, pinned to the same commit oid)
 * and blobs over GitHub's 512 KB GraphQL text limit (one REST blob request each, by oid).
 *
 * Large namespaces: a read whose roots held more than `chunkedReads` allows (500 files or 2 MiB) the last
 * time this adapter read them is made in bounded pieces instead, so no answer grows with the namespace: one
 * query lists the tree (paths, modes, oids, sizes — no text), then the YAML blobs' texts come by blob oid in
 * batches of at most 200 blobs and 1 MiB, four queries at a time. Blob oids name content, so the texts are
 * those of the commit the tree was read at however the branch moves meanwhile. The first read of a namespace
 * in a fresh container is still the one query (its size is not known before).
 *
 * `commit` is one `createCommitOnBranch` mutation guarded by `expectedHeadOid`, without author or
 * committer so GitHub signs it as the App (shown Verified). A moved branch is a {@link StaleHeadError}
 * and nothing is written; other failures are {@link GitHubApiError}s that say what to fix. A mutation
 * re-sent after a lost reply (a 5xx or timeout after GitHub committed) that then meets a moved branch looks
 * for its own commit below the head (`findLandedCommit`) and reports it; a mutation that was answered
 * never does, so a concurrent copy of the same event that committed the same change first is not taken for
 * this one's. Every request gives up at `request.deadline` (see `createGitHubAppOctokit`).
 *
 * Without `branch`, each read follows `defaultBranchRef` and remembers its name for the next commit.
 *
 * `propose` makes the proposal branch one Verified commit on the base and opens or updates its pull request
 * (see `proposeOnGitHub`); the branch's tip and pull requests come with `read`, in the same one query.
 *
 * `lastChanges` (for the reconcile) is GraphQL `blame` at the commit read, one query per 20 files.
 *
 * @example
 * const repository = createGitHubGitOps({ octokit, owner: "wafflestudio", repo: "gitops" });
 * const snapshot = await repository.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] });
 * await repository.commit({ expectedHeadOid: snapshot.headOid, headline: "…", body: "", files: [...] });
 */
export function createGitHubGitOps(options: GitHubGitOpsOptions): GitOpsRepository & ReferenceHistory {
  const { octokit, owner, repo } = options;
  const depth = options.treeDepth ?? 4;
  const repository = `${owner}/${repo}`;
  let branch = options.branch;
  const minCommitIntervalMs = options.minCommitIntervalMs ?? GITHUB_COMMIT_SPACING_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let lastCommitAt = Number.NEGATIVE_INFINITY;
  let repositoryId: string | undefined;
  const chunkedReads = options.chunkedReads ?? {};
  const lastReadSizes = new Map<string, { readonly files: number; readonly bytes: number }>();
  const isLarge = (size: { readonly files: number; readonly bytes: number } | undefined) =>
    size !== undefined &&
    (size.files > (chunkedReads.aboveFiles ?? 500) ||
      size.bytes > (chunkedReads.aboveBytes ?? 2 * 1024 * 1024));
  let pullRequestsReadable = true;

  async function graphql<T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    action: string,
    deadline: number | undefined,
  ): Promise<T> {
    try {
      return await octokit.graphql<T>(query, { ...variables, ...requestOptions(deadline) });
    } catch (error) {
      throw toGitHubApiError(error, { action, repository });
    }
  }

  async function readCommit(
    target: ReadTarget,
    roots: readonly string[],
    files: readonly string[],
    deadline: number | undefined,
    proposalBranches: readonly string[] = [],
    blobText = true,
  ) {
    const where = target.kind === "branch" ? `${repository}@${target.branch}` : repository;
    const request = buildReadQuery({ owner, repo, target, roots, files, depth, proposalBranches, blobText });
    let answer: ReadAnswer;
    try {
      answer = await octokit.graphql<ReadAnswer>(request.query, {
        ...request.variables,
        ...requestOptions(deadline),
      });
      if (proposalBranches.length > 0) pullRequestsReadable = true;
    } catch (error) {
      const partial = pullRequestsForbidden(error);
      if (partial === undefined) throw toGitHubApiError(error, { action: `reading ${where}`, repository });
      // Without "Pull requests" permission GitHub hides the pull requests and answers the rest: fine for
      // direct commits, and `propose` refuses before writing anything.
      answer = partial;
      pullRequestsReadable = false;
    }
    if (answer.repository?.id !== undefined) repositoryId = answer.repository.id;
    const ref = answer.repository?.ref ?? answer.repository?.defaultBranchRef ?? null;
    const commit = target.kind === "commit" ? (answer.repository?.object ?? null) : (ref?.target ?? null);
    if (commit === null || typeof commit.oid !== "string") {
      throw new GitHubApiError(
        target.kind === "branch"
          ? `reading ${where} failed: branch ${target.branch} does not exist — create it or configure the branch heimdall commits to`
          : `reading ${where} failed: the repository has no commits on its default branch — push an initial commit first`,
        false,
      );
    }
    if (target.kind === "default-branch" && ref !== null) branch = ref.name;
    const proposals =
      proposalBranches.length === 0 || answer.repository === null
        ? undefined
        : collectProposalStates(answer.repository, proposalBranches, branch ?? ref?.name ?? "");
    return { oid: commit.oid, collected: collectCommitFiles(commit, roots, files), proposals };
  }

  async function expandDeepTrees(
    oid: string,
    collected: CollectedFiles,
    deadline: number | undefined,
    blobText: boolean,
  ): Promise<void> {
    let pending = collected.deepTrees.splice(0);
    while (pending.length > 0) {
      const next: string[] = [];
      for (let start = 0; start < pending.length; start += MAX_ROOTS_PER_QUERY) {
        const roots = pending.slice(start, start + MAX_ROOTS_PER_QUERY);
        const deeper = (await readCommit({ kind: "commit", oid }, roots, [], deadline, [], blobText))
          .collected;
        for (const [path, text] of deeper.files) collected.files.set(path, text);
        collected.truncated.push(...deeper.truncated);
        collected.unread.push(...deeper.unread);
        next.push(...deeper.deepTrees);
      }
      pending = next;
    }
  }

  async function fetchBlob(oid: string, path: string, deadline: number | undefined): Promise<string> {
    try {
      const response = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
        owner,
        repo,
        file_sha: oid,
        ...requestOptions(deadline),
      });
      const { content, encoding } = response.data;
      const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
      return UTF8.decode(bytes);
    } catch (error) {
      throw toGitHubApiError(error, {
        action: `reading ${path} (blob ${oid}) from ${repository}`,
        repository,
      });
    }
  }

  async function currentBranch(deadline: number | undefined): Promise<string> {
    if (branch !== undefined) return branch;
    const answer = await graphql<{ repository: { defaultBranchRef: { name: string } | null } | null }>(
      "query HeimdallDefaultBranch($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { defaultBranchRef { name } } }",
      { owner, name: repo },
      `looking up the default branch of ${repository}`,
      deadline,
    );
    const name = answer.repository?.defaultBranchRef?.name;
    if (name === undefined) {
      throw new GitHubApiError(
        `looking up the default branch of ${repository} failed: it has none — push an initial commit first`,
        false,
      );
    }
    branch = name;
    return name;
  }

  // GitHub asks for ≥ 1 s between mutations. A read right after a commit (the re-read after a conflict)
  // takes that pause before it reads, not between its read and its commit: the window in which someone
  // else's commit makes this one stale stays one round trip long.
  async function keepCommitSpacing(deadline: number | undefined, what: string): Promise<void> {
    const wait = lastCommitAt + minCommitIntervalMs - now();
    if (wait <= 0) return;
    if (deadline !== undefined && now() + wait >= deadline) {
      throw new DeadlineExceededError(
        `${what} not tried: the pause GitHub asks for between commits would pass the invocation's deadline — the event will be retried`,
      );
    }
    await sleep(wait);
  }

  async function currentRepositoryId(deadline: number | undefined): Promise<string> {
    if (repositoryId !== undefined) return repositoryId;
    const answer = await graphql<{ repository: { id: string } | null }>(
      "query HeimdallRepositoryId($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }",
      { owner, name: repo },
      `looking up ${repository}`,
      deadline,
    );
    repositoryId = answer.repository?.id;
    if (repositoryId === undefined) {
      throw new GitHubApiError(`looking up ${repository} failed: GitHub answered without it`, true);
    }
    return repositoryId;
  }

  return {
    async read(request: ReadRequest): Promise<GitOpsSnapshot> {
      await keepCommitSpacing(request.deadline, `reading ${repository} again`);
      const target: ReadTarget =
        options.branch === undefined
          ? { kind: "default-branch" }
          : { kind: "branch", branch: options.branch };
      // A namespace this container read before and found large is listed first, then read in batches.
      const sizeKey = JSON.stringify(request.roots);
      const chunked = isLarge(lastReadSizes.get(sizeKey));
      const { oid, collected, proposals } = await readCommit(
        target,
        request.roots,
        request.configPaths,
        request.deadline,
        request.proposalBranches,
        !chunked,
      );
      await expandDeepTrees(oid, collected, request.deadline, !chunked);
      await readUnreadBlobs(collected, {
        owner,
        repo,
        run: (query) =>
          graphql(query.query, query.variables, `reading ${repository} at ${oid}`, request.deadline),
        limits: chunkedReads.batch ?? DEFAULT_BLOB_BATCH_LIMITS,
        concurrency: chunkedReads.concurrency ?? 4,
      });
      const texts = await Promise.all(
        collected.truncated.map((blob) => fetchBlob(blob.oid, blob.path, request.deadline)),
      );
      collected.truncated.forEach((blob, index) => {
        const text = texts[index] ?? "";
        if (blob.single) collected.singles.set(blob.path, text);
        else collected.files.set(blob.path, text);
      });
      lastReadSizes.set(sizeKey, {
        files: collected.files.size,
        bytes: [...collected.files.values()].reduce((sum, text) => sum + text.length, 0),
      });
      const configPath = request.configPaths.find(
        (path) => collected.singles.has(path) || collected.unreadable.has(path),
      );
      const withProposals = proposals === undefined ? {} : { proposals };
      if (configPath === undefined) return { headOid: oid, files: collected.files, ...withProposals };
      const text = collected.singles.get(configPath);
      const config: ConfigFileRead =
        text === undefined
          ? { path: configPath, unreadable: collected.unreadable.get(configPath) ?? "unreadable" }
          : { path: configPath, text };
      return { headOid: oid, files: collected.files, config, ...withProposals };
    },

    lastChanges(request: LastChangesRequest): Promise<LineChanges> {
      return readLineChanges(graphql, { owner, repo }, request);
    },

    async commit(request: CommitRequest): Promise<CommitResult> {
      const { deadline } = request;
      const branchName = await currentBranch(deadline);
      await keepCommitSpacing(deadline, `committing to ${repository}@${branchName}`);
      lastCommitAt = now();
      const input = {
        branch: { repositoryNameWithOwner: repository, branchName },
        expectedHeadOid: request.expectedHeadOid,
        message:
          request.body === ""
            ? { headline: request.headline }
            : { headline: request.headline, body: request.body },
        fileChanges: {
          additions: request.files.map((file) => ({
            path: file.path,
            contents: Buffer.from(file.contents, "utf8").toString("base64"),
          })),
        },
      };
      // Set when the mutation is sent again after a failure that may have hidden a landed commit.
      let resent = false;
      try {
        const answer = await octokit.graphql<{
          createCommitOnBranch: { commit: { oid: string; url?: string } | null } | null;
        }>(COMMIT_MUTATION, {
          input,
          request: {
            ...requestOptions(deadline).request,
            onRetry: () => {
              resent = true;
            },
          },
        });
        const commit = answer.createCommitOnBranch?.commit;
        if (commit === null || commit === undefined) {
          throw new GitHubApiError(
            `committing to ${repository}@${branchName} failed: GitHub answered without a commit — check the branch on GitHub and retry the event`,
            true,
          );
        }
        return commit.url === undefined ? { oid: commit.oid } : { oid: commit.oid, url: commit.url };
      } catch (error) {
        if (isStaleHead(error)) {
          // Only a re-sent mutation can have landed unseen; a concurrent copy of the same event that
          // committed the same text first is someone else's commit, and this update did nothing.
          const landed = resent
            ? await findLandedCommit({ octokit, owner, repo, branch: branchName, request })
            : undefined;
          if (landed !== undefined) return landed;
          throw new StaleHeadError(
            `${repository}@${branchName} no longer points at ${request.expectedHeadOid}; re-read and re-apply the edit`,
            request.expectedHeadOid,
            { cause: error },
          );
        }
        throw toGitHubApiError(error, { action: `committing to ${repository}@${branchName}`, repository });
      }
    },

    async propose(request: ProposalRequest): Promise<ProposalResult> {
      const { deadline } = request;
      if (!pullRequestsReadable) {
        throw new GitHubApiError(
          `proposing ${request.branch} in ${repository} failed: the GitHub App cannot read pull requests — grant it ` +
            `"${PULL_REQUESTS_PERMISSION}" on ${repository} and accept the new permissions in the installation ` +
            "(needed when a target has pullRequest:)",
          false,
        );
      }
      const baseBranch = await currentBranch(deadline);
      const id = await currentRepositoryId(deadline);
      // A proposal's few requests are one logical write: spaced from other writes like one commit.
      await keepCommitSpacing(deadline, `proposing ${request.branch} in ${repository}`);
      lastCommitAt = now();
      return proposeOnGitHub({ octokit, owner, repo, repositoryId: id, baseBranch }, request);
    },
  };
}

/** The data of an answer whose only errors are FORBIDDEN pull requests of proposal branches (`qN`). */
function pullRequestsForbidden(error: unknown): ReadAnswer | undefined {
  const { errors, data } = (error ?? {}) as { errors?: unknown; data?: ReadAnswer };
  if (!Array.isArray(errors) || errors.length === 0 || data?.repository === undefined) return undefined;
  const hidden = errors.every(
    (e: { type?: unknown; path?: unknown }) =>
      e.type === "FORBIDDEN" && Array.isArray(e.path) && /^q\d+$/.test(String(e.path[1])),
  );
  return hidden ? data : undefined;
}

function isStaleHead(error: unknown): boolean {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return false;
  return errors.some(
    (e: { type?: unknown; message?: unknown }) =>
      e.type === "STALE_DATA" ||
      (typeof e.message === "string" && /expected branch to point to/i.test(e.message)),
  );
}
