import { lstat, readFile, realpath, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type CommitRequest,
  type CommitResult,
  type ConfigFileRead,
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
 * from the working tree (what the user sees; a file deleted there is left out, and so is one whose folder is
 * a symbolic link there: nothing outside the checkout is ever read or written), in concurrent `git`
 * starts and synchronous reads. With `mentions` (see `ReadRequest`) it reads only the files one
 * `git grep -F` finds them in, plus the config: a dry run over a 5,000-file namespace reads one file.
 * It commits on the checked-out branch with the repository's own git identity. It refuses to commit a file
 * that has uncommitted changes (they would be swept into the automated commit) and refuses when HEAD moved
 * since the read (`StaleHeadError`), so it never overwrites anyone's work. Proposals (`pullRequest:` targets)
 * become the local branch `heimdall/<image repository>`: one commit on the checked-out HEAD, made without
 * touching the checked-out branch or the working tree (see `proposeOnLocalBranch`).
 *
 * A config path that exists but is not a regular file (tracked as a symlink or submodule, a directory, a
 * symlink in the working tree) comes back as `unreadable`, which the use case refuses — as the GitHub adapter
 * does for the same repository; a tracked config missing from the working tree is a clear error.
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

  // Real path of each folder checked so far, so a tree of many files costs one realpath per folder.
  const realFolders = new Map<string, Promise<string>>();
  let realRoot: Promise<string> | undefined;

  /**
   * What the working tree has at `path`: a regular file (its full path, inside the checkout) or why not.
   * A folder on the path that is a symbolic link leads outside what git tracks: refused, never followed.
   */
  async function workingTreeFile(path: string): Promise<{ file: string } | { not: string }> {
    const folder = dirname(path);
    realRoot ??= realpath(dir);
    let realFolder = realFolders.get(folder);
    if (realFolder === undefined) {
      realFolder = realpath(join(dir, folder)).catch(() => "");
      realFolders.set(folder, realFolder);
    }
    const expected = folder === "." ? await realRoot : join(await realRoot, folder);
    if ((await realFolder) !== expected) {
      throw new LocalRepoError(
        `${path}: the folder ${folder} is a symbolic link (or missing) in the working tree of ${dir} — heimdall never reads or writes outside the repository; restore the folder as git tracks it`,
      );
    }
    const file = join(dir, path);
    const stats = await lstat(file).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== "ENOENT") throw cause;
      throw new LocalRepoError(
        `${path} is tracked but missing from the working tree of ${dir} — restore it (git checkout -- ${path}) or commit its deletion`,
        { cause },
      );
    });
    if (stats.isSymbolicLink()) return { not: "a symbolic link in the working tree" };
    if (stats.isDirectory()) return { not: "a directory in the working tree" };
    if (!stats.isFile()) return { not: "not a regular file in the working tree" };
    return { file };
  }

  async function folderInside(path: string): Promise<boolean> {
    return workingTreeFile(path).then(
      () => true,
      (error: unknown) => {
        if (error instanceof LocalRepoError) return false;
        throw error;
      },
    );
  }

  // The first config path that exists in the index, as whatever it is.
  async function readConfig(paths: readonly string[]): Promise<ConfigFileRead | undefined> {
    if (paths.length === 0) return undefined;
    const listing = await runGit(dir, ["ls-files", "--stage", "-z", "--", ...paths]);
    const entries = listing.split("\0").flatMap((entry) => {
      const [, mode, path] = /^(\d+) [0-9a-f]+ \d+\t(.+)$/s.exec(entry) ?? [];
      return mode === undefined || path === undefined ? [] : [{ mode, path }];
    });
    for (const path of paths) {
      const own = entries.find((entry) => entry.path === path);
      if (own?.mode === "120000") return { path, unreadable: "a symbolic link" };
      if (own?.mode === "160000") return { path, unreadable: "a submodule" };
      if (own === undefined) {
        if (entries.some((entry) => entry.path.startsWith(`${path}/`)))
          return { path, unreadable: "a directory" };
        continue;
      }
      const found = await workingTreeFile(path);
      if ("not" in found) return { path, unreadable: found.not };
      return { path, text: await readFile(found.file, "utf8") };
    }
    return undefined;
  }

  return {
    async read(request: ReadRequest): Promise<GitOpsSnapshot> {
      const { roots, configPaths } = request;
      const mentions = request.mentions ?? [];
      // Concurrent: each git start costs a process, not a round trip through the previous one.
      const branches = request.proposalBranches ?? [];
      const reading = head();
      const listing = Promise.all([
        trackedYamlFiles(dir, roots),
        mentions.length === 0 ? undefined : filesMentioning(dir, roots, mentions),
        branches.length === 0 ? undefined : readLocalProposals(dir, branches),
        readConfig(configPaths),
      ]);
      // Not a checkout: say that (head's error), not what the other git commands made of it.
      listing.catch(() => undefined);
      const headOid = await reading;
      const [tracked, mentioning, proposals, config] = await listing;
      const underRoots = tracked.filter((path) =>
        roots.some((root) => path === root || isUnderRoot(path, root)),
      );
      const wanted =
        mentioning === undefined ? underRoots : underRoots.filter((path) => mentioning.has(path));
      // A folder that is a symbolic link in the working tree leads outside the checkout: never followed.
      const inside = await Promise.all(wanted.map((path) => folderInside(path)));
      const texts = readTextFiles(
        dir,
        wanted.filter((_, index) => inside[index]),
      );
      const files = new Map<string, string>();
      for (const path of wanted) {
        const text = texts.get(path);
        if (text !== undefined) files.set(path, text);
      }
      const withProposals = proposals === undefined ? {} : { proposals };
      return config === undefined
        ? { headOid, files, ...withProposals }
        : { headOid, files, config, ...withProposals };
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
      for (const file of request.files) {
        const found = await workingTreeFile(file.path);
        if ("not" in found) {
          throw new LocalRepoError(
            `${file.path} is ${found.not} of ${dir} — heimdall never writes through it; restore the file as git tracks it`,
          );
        }
        await writeFile(found.file, file.contents, "utf8");
      }
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
