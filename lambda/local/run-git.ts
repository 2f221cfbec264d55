import { execFile } from "node:child_process";
import { LocalRepoError } from "./local-repo-error.ts";

/**
 * Runs `git <args>` in `dir` and resolves with stdout. Fails with a {@link LocalRepoError} that quotes
 * git's own message, so "not a git repository" and friends reach the user unchanged. `okExitCodes` are
 * answers, not failures (`git grep` exits 1 when nothing matches).
 *
 * @example
 * const head = (await runGit(dir, ["rev-parse", "HEAD"])).trim();
 */
export function runGit(
  dir: string,
  args: readonly string[],
  options: { input?: string; env?: Readonly<Record<string, string>>; okExitCodes?: readonly number[] } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      {
        cwd: dir,
        maxBuffer: 512 * 1024 * 1024,
        encoding: "utf8",
        ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        if (typeof error.code === "number" && options.okExitCodes?.includes(error.code))
          return resolve(stdout);
        const detail = (stderr || error.message).trim().split("\n")[0];
        reject(new LocalRepoError(`git ${args[0] ?? ""} failed in ${dir}: ${detail}`, { cause: error }));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
