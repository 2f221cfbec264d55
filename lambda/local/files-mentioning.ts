import { literalPathspecs } from "./literal-pathspecs.ts";
import { runGit } from "./run-git.ts";

/**
 * The tracked files at or under `roots` whose working-tree bytes contain at least one of `mentions`, in
 * one `git grep` (git searches in parallel and never hands the other files to Node). Fixed strings,
 * case-sensitive, binary files searched as text (a file with one invalid UTF-8 byte still matches, so it
 * still gets its `not-utf8` warning), no submodules, pathspecs literal.
 *
 * A superset of the exact answer is harmless (the caller tests the text again); a subset is not. The byte
 * test equals the text test the planner makes on the UTF-8-decoded file: decoding never swallows or creates
 * the bytes of a valid character. A string holding a newline becomes one pattern per line, which only
 * widens the match.
 *
 * @example
 * await filesMentioning("/src/gitops", ["apps/snutt-dev"], ["snutt-dev/snutt-timetable"]);
 * // Set { "apps/snutt-dev/snutt-timetable/deployment.yaml" }
 */
export async function filesMentioning(
  dir: string,
  roots: readonly string[],
  mentions: readonly string[],
): Promise<Set<string>> {
  if (roots.length === 0 || mentions.length === 0) return new Set();
  const patterns = mentions.flatMap((mention) => ["-e", mention]);
  const listing = await runGit(
    dir,
    [
      "grep",
      "-l",
      "-z",
      "-F",
      "--text",
      "--no-color",
      "--no-recurse-submodules",
      // Paths relative to `dir`, like `git ls-files`, whatever `grep.fullName` says.
      "--no-full-name",
      ...patterns,
      "--",
      ...literalPathspecs(roots),
    ],
    { okExitCodes: [1] },
  );
  return new Set(listing.split("\0").filter((path) => path !== ""));
}
