import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CommitRequest,
  type CommitResult,
  type GitOpsRepository,
  type GitOpsSnapshot,
  isYamlFile,
  type ReadRequest,
  StaleHeadError,
} from "../core/index.ts";
import { LocalRepoError } from "./local-repo-error.ts";
import { runGit } from "./run-git.ts";

/**
 * The {@link GitOpsRepository} port over a local git checkout, for the CLI.
 *
 * Reads the tracked `.yaml`/`.yml` regular files under the roots (symlinks and submodules are skipped)
 * from the working tree (what the user sees) and
 * commits on the checked-out branch with the repository's own git identity. It refuses to commit a file
 * that has uncommitted changes (they would be swept into the automated commit) and refuses when HEAD moved
 * since the read (`StaleHeadError`), so it never overwrites anyone's work.
 *
 * @example
 * const repo = createLocalGitOps({ dir: "/src/gitops" });
 * const snapshot = await repo.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] });
 */
export function createLocalGitOps(options: { readonly dir: string }): GitOpsRepository {
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
      if (configPath === undefined) return { headOid, files };
      return {
        headOid,
        files,
        config: { path: configPath, text: await readFile(join(dir, configPath), "utf8") },
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
  };
}
