import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LocalRepoError } from "./local-repo-error.ts";

// Not every platform has these (Windows); there, the index mode check in `trackedYamlFiles` is the guard.
// O_NONBLOCK: opening a FIFO put where a file was must not wait for a writer.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads `paths` (relative to `dir`) as UTF-8 text, byte order mark and CRLF kept, an invalid byte becoming
 * U+FFFD (which the planner reports as `not-utf8`). Synchronous on purpose: the CLI has nothing else to do
 * meanwhile, and one `readFileSync` costs a fraction of an `await readFile` (four thread-pool round trips
 * each), so thousands of files read in about the time the reads themselves take.
 *
 * The read shows the working tree as the user sees it: a path that is gone (deleted, not yet committed) is
 * left out, and so is one that became a symlink, a folder or anything but a regular file since it was
 * staged — never followed, so nothing outside the repository is read.
 *
 * @example
 * readTextFiles("/src/gitops", ["apps/a/deploy.yaml"]); // Map { "apps/a/deploy.yaml" => "image: …" }
 */
export function readTextFiles(dir: string, paths: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of paths) {
    let fd: number;
    try {
      fd = openSync(join(dir, path), OPEN_FLAGS);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR") continue;
      throw new LocalRepoError(`cannot read ${path} in ${dir}: ${String(cause)} — check its permissions`, {
        cause,
      });
    }
    try {
      if (fstatSync(fd).isFile()) files.set(path, readFileSync(fd, "utf8"));
    } finally {
      closeSync(fd);
    }
  }
  return files;
}
