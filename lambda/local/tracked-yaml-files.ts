import { isYamlFile } from "../core/index.ts";
import { literalPathspecs } from "./literal-pathspecs.ts";
import { runGit } from "./run-git.ts";

/**
 * The tracked `.yaml`/`.yml` regular files (index mode 100644 or 100755) at or under `paths` in the
 * checkout `dir`, in one `git ls-files`. Symlinks are left out because heimdall would read or write through
 * them, outside the repository; submodules because they are not ours to edit. Paths are matched literally
 * (a `*` in a folder name is a `*`). No paths, no files.
 *
 * @example
 * await trackedYamlFiles("/src/gitops", ["apps/snutt-dev", ".heimdall.yaml"]);
 * // ["apps/snutt-dev/timetable/deployment.yaml", ".heimdall.yaml"]
 */
export async function trackedYamlFiles(dir: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const listing = await runGit(dir, ["ls-files", "--stage", "-z", "--", ...literalPathspecs(paths)]);
  return listing.split("\0").flatMap((entry) => {
    const match = /^(\d+) [0-9a-f]+ \d+\t(.+)$/s.exec(entry);
    const [, mode, path] = match ?? [];
    return path !== undefined && (mode === "100644" || mode === "100755") && isYamlFile(path) ? [path] : [];
  });
}
