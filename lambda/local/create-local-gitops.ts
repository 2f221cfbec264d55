import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CommitRequest,
  type CommitResult,
  type GitOpsRepository,
  type GitOpsSnapshot,
  isUnderRoot,
  type LastChange,
  type LastChangesRequest,
  type LineChanges,
  type ProposalRequest,
  type ProposalResult,
  type ReadRequest,
  type ReferenceHistory,
  StaleHeadError,
} from "../core/index.ts";
import { filesMentioning } from "./files-mentioning.ts";
import { LocalRepoError } from "./local-repo-error.ts";
import { proposeOnLocalBranch } from "./propose-on-local-branch.ts";
import { readLocalProposals } from "./read-local-proposals.ts";
import { readTextFiles } from "./read-text-files.ts";
import { runGit } from "./run-git.ts";
import { trackedYamlFiles } from "./tracked-yaml-files.ts";

/**
 * The {@link GitOpsRepository} port over a local git checkout, for the CLI.
 *
 * Reads the tracked `.yaml`/`.yml` regular files under the roots (symlinks and submodules are skipped)
 * from the working tree (what the user sees; a file deleted there is left out), in three concurrent `git`
 * starts and synchronous reads. With `mentions` (see `ReadRequest`) it reads only the files one
 * `git grep -F` finds them in, plus the config: a dry run over a 5,000-file namespace reads one file.
 * It commits on the checked-out branch with the repository's own git identity. It refuses to commit a file
 * that has uncommitted changes (they would be swept into the automated commit) and refuses when HEAD moved
 * since the read (`StaleHeadError`), so it never overwrites anyone's work. Proposals (`pullRequest:` targets)
 * become the local branch `heimdall/<image repository>`: one commit on the checked-out HEAD, made without
 * touching the checked-out branch or the working tree (see `proposeOnLocalBranch`).
 *
 * `lastChanges` (for the reconcile) blames the working tree, like the read: a line changed but not committed
 * counts as changed now — someone is at work on it.
 *
 * @example
 * const repo = createLocalGitOps({ dir: "/src/gitops" });
 * const snapshot = await repo.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] });
 */
export function createLocalGitOps(options: { readonly dir: string }): GitOpsRepository & ReferenceHistory {
  const { dir } = options;

  async function head(): Promise<string> {
    try {
      return (await runGit(dir, ["rev-parse", "--verify", "HEAD"])).trim();
    } catch (cause) {
      throw new LocalRepoError(
        `${dir} is not a git checkout with at least one commit — run heimdall on a clone of your GitOps repository`,
        { cause },
      );
    }
  }

  return {
    async read(request: ReadRequest): Promise<GitOpsSnapshot> {
      const { roots, configPaths } = request;
      const mentions = request.mentions ?? [];
      // Concurrent: each git start costs a process, not a round trip through the previous one.
      const branches = request.proposalBranches ?? [];
      const reading = head();
      const listing = Promise.all([
        trackedYamlFiles(dir, [...roots, ...configPaths]),
        mentions.length === 0 ? undefined : filesMentioning(dir, roots, mentions),
        branches.length === 0 ? undefined : readLocalProposals(dir, branches),
      ]);
      // Not a checkout: say that (head's error), not what the other git commands made of it.
      listing.catch(() => undefined);
      const headOid = await reading;
      const [tracked, mentioning, proposals] = await listing;
      const underRoots = tracked.filter((path) =>
        roots.some((root) => path === root || isUnderRoot(path, root)),
      );
      const wanted =
        mentioning === undefined ? underRoots : underRoots.filter((path) => mentioning.has(path));
      const configs = configPaths.filter((path) => tracked.includes(path));
      const texts = readTextFiles(dir, [...new Set([...wanted, ...configs])]);
      const files = new Map<string, string>();
      for (const path of wanted) {
        const text = texts.get(path);
        if (text !== undefined) files.set(path, text);
      }
      const configPath = configs.find((path) => texts.has(path));
      const withProposals = proposals === undefined ? {} : { proposals };
      if (configPath === undefined) return { headOid, files, ...withProposals };
      return {
        headOid,
        files,
        config: { path: configPath, text: texts.get(configPath) ?? "" },
        ...withProposals,
      };
    },

    async commit(request: CommitRequest): Promise<CommitResult> {
      const paths = request.files.map((file) => file.path);
      if ((await runGit(dir, ["symbolic-ref", "-q", "HEAD"]).catch(() => "")) === "") {
        throw new LocalRepoError(
          `HEAD of ${dir} is detached — check out the branch heimdall should commit to`,
        );
      }
      if ((await head()) !== request.expectedHeadOid) {
        throw new StaleHeadError(`HEAD of ${dir} moved since it was read`, request.expectedHeadOid);
      }
      const dirty = (await runGit(dir, ["status", "--porcelain", "-z", "--", ...paths]))
        .split("\0")
        .filter(Boolean);
      if (dirty.length > 0) {
        throw new LocalRepoError(
          `${dir} has uncommitted changes in ${dirty.map((line) => line.slice(3)).join(", ")} — commit or stash them first`,
        );
      }
      for (const file of request.files) await writeFile(join(dir, file.path), file.contents, "utf8");
      await runGit(dir, ["add", "--", ...paths]);
      const message = request.body === "" ? request.headline : `${request.headline}\n\n${request.body}`;
      await runGit(dir, ["commit", "--quiet", "-F", "-", "--", ...paths], { input: message });
      return { oid: await head() };
    },

    propose(request: ProposalRequest): Promise<ProposalResult> {
      return proposeOnLocalBranch(dir, request);
    },

    async lastChanges(request: LastChangesRequest): Promise<LineChanges> {
      const answer = new Map<string, ReadonlyMap<number, LastChange>>();
      for (const [path, lines] of request.lines) {
        const ranges = toRanges(lines).flatMap(([from, to]) => ["-L", `${from},${to}`]);
        // A file git cannot blame (deleted since the read, untracked) gets no answer: its references are left.
        const porcelain = await runGit(dir, ["blame", "--porcelain", ...ranges, "--", path]).catch(() => "");
        answer.set(path, parseBlame(porcelain));
      }
      return answer;
    },
  };
}

/** Sorted 1-based lines → `[from, to]` runs of consecutive lines. */
function toRanges(lines: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const line of [...new Set(lines)].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last !== undefined && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  return ranges;
}

/** `git blame --porcelain` → final line → the commit that last changed it and its committer time. */
function parseBlame(porcelain: string): Map<number, LastChange> {
  const times = new Map<string, number>();
  const owners = new Map<number, string>();
  let commit = "";
  let line = 0;
  for (const text of porcelain.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/.exec(text);
    if (header !== null) {
      commit = header[1] ?? "";
      line = Number(header[2]);
    } else if (text.startsWith("committer-time ")) {
      times.set(commit, Number(text.slice("committer-time ".length)));
    } else if (text.startsWith("\t")) {
      owners.set(line, commit);
    }
  }
  const changes = new Map<number, LastChange>();
  for (const [number, owner] of owners) {
    const seconds = times.get(owner);
    if (seconds !== undefined) changes.set(number, { at: new Date(seconds * 1000), commit: owner });
  }
  return changes;
}
