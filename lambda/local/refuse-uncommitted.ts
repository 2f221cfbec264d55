import { LocalRepoError } from "./local-repo-error.ts";
import { runGit } from "./run-git.ts";

/**
 * Throws a {@link LocalRepoError} naming the files among `paths` that have uncommitted changes in `dir`: a commit
 * or proposal written over them would carry (or lose) someone's work in progress.
 *
 * @example
 * await refuseUncommitted(dir, ["apps/a/deploy.yaml"]); // throws "… has uncommitted changes in apps/a/deploy.yaml — …"
 */
export async function refuseUncommitted(dir: string, paths: readonly string[]): Promise<void> {
  const dirty = (await runGit(dir, ["status", "--porcelain", "-z", "--", ...paths]))
    .split("\0")
    .filter(Boolean);
  if (dirty.length > 0) {
    throw new LocalRepoError(
      `${dir} has uncommitted changes in ${dirty.map((line) => line.slice(3)).join(", ")} — commit or stash them first`,
    );
  }
}
