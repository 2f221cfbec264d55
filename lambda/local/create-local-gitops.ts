import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CommitRequest,
  type CommitResult,
  type GitOpsRepository,
  type GitOpsSnapshot,
  isYamlFile,
  type LastChange,
  type LastChangesRequest,
  type LineChanges,
  type ProposalRequest,
  type ProposalResult,
  type ReadRequest,
  type ReferenceHistory,
  StaleHeadError,
} from "../core/index.ts";
import { LocalRepoError } from "./local-repo-error.ts";
import { proposeOnLocalBranch } from "./propose-on-local-branch.ts";
import { readLocalProposals } from "./read-local-proposals.ts";
import { runGit } from "./run-git.ts";

/**
 * The {@link GitOpsRepository} port over a local git checkout, for the CLI.
 *
 * Reads the tracked `.yaml`/`.yml` regular files under the roots (symlinks and submodules are skipped)
 * from the working tree (what the user sees) and
 * commits on the checked-out branch with the repository's own git identity. It refuses to commit a file
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

  // Regular files only (mode 100644/100755): a symlink would make heimdall write outside the repository
  // (or through it), and a submodule is not ours to edit.
  async function trackedFiles(roots: readonly string[]): Promise<string[]> {
    if (roots.length === 0) return [];
    const pathspecs = roots.map((root) => (root === "" ? "." : root));
    const listing = await runGit(dir, ["ls-files", "--stage", "-z", "--", ...pathspecs]);
    return listing.split("\0").flatMap((entry) => {
      const match = /^(\d+) [0-9a-f]+ \d+\t(.+)$/s.exec(entry);
      const [, mode, path] = match ?? [];
      return path !== undefined && (mode === "100644" || mode === "100755") && isYamlFile(path) ? [path] : [];
    });
  }

  return {
    async read(request: ReadRequest): Promise<GitOpsSnapshot> {
      const headOid = await head();
      const files = new Map<string, string>();
      for (const path of await trackedFiles(request.roots)) {
        files.set(path, await readFile(join(dir, path), "utf8"));
      }
      const configs = await trackedFiles(request.configPaths);
      const configPath = request.configPaths.find((path) => configs.includes(path));
      const proposals =
        request.proposalBranches === undefined || request.proposalBranches.length === 0
          ? {}
          : { proposals: await readLocalProposals(dir, request.proposalBranches) };
      if (configPath === undefined) return { headOid, files, ...proposals };
      return {
        headOid,
        files,
        config: { path: configPath, text: await readFile(join(dir, configPath), "utf8") },
        ...proposals,
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
