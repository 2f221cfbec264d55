import { execFile } from "node:child_process";

// Keep the user's git config (signing, hooks paths, templates) out of the emulator's repository.
const ISOLATED_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * Runs `git` in `cwd` and resolves with its stdout bytes; rejects with git's stderr in the message.
 * Pathspecs are literal (a path is never a glob), and the user's global/system config is ignored.
 *
 * @example
 * const oid = (await runGit(dir, ["rev-parse", "HEAD"])).toString("utf8").trim();
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { readonly input?: Buffer | string; readonly env?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["--literal-pathspecs", ...args],
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...ISOLATED_ENV, ...options.env },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = Buffer.isBuffer(stderr) ? stderr.toString("utf8").trim() : "";
          reject(
            new Error(`git ${args[0] ?? ""} failed in ${cwd}: ${detail || error.message}`, { cause: error }),
          );
          return;
        }
        resolve(stdout);
      },
    );
    // A git command that exits without reading stdin closes the pipe; its exit status tells the story.
    child.stdin?.on("error", () => undefined);
    if (options.input === undefined) child.stdin?.end();
    else child.stdin?.end(options.input);
  });
}
