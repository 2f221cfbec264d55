import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { runGit } from "../../lambda/local/run-git.ts";

/** A real git repository in a temp dir, seeded from `from` (a fixture tree) with one initial commit. */
export async function createTempGitRepo(from?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "heimdall-test-"));
  if (from !== undefined) await cp(from, dir, { recursive: true });
  await runGit(dir, ["init", "--quiet", "--initial-branch=main"]);
  await runGit(dir, ["config", "user.name", "Test User"]);
  await runGit(dir, ["config", "user.email", "test@example.invalid"]);
  await runGit(dir, ["config", "core.autocrlf", "false"]);
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "--allow-empty", "--message", "Initial"]);
  return dir;
}

/** Every file below `dir` (except `.git`) as path → bytes, for byte-exact tree comparison. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const tree = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (path.split("/")[0] === ".git") continue;
    tree.set(path, await readFile(join(dir, path)));
  }
  return tree;
}

/** {@link createTempGitRepo} plus a second commit holding `files` (path → text), with `message`. */
export async function createGitRepoWith(
  files: Readonly<Record<string, string>>,
  message = "manifests",
): Promise<string> {
  const dir = await createTempGitRepo();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", message]);
  return dir;
}

export async function commitCount(dir: string): Promise<number> {
  return Number((await runGit(dir, ["rev-list", "--count", "HEAD"])).trim());
}

export async function isClean(dir: string): Promise<boolean> {
  return (await runGit(dir, ["status", "--porcelain"])).trim() === "";
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Writes `files` (path → text) into `dir` and commits them as `author` with author and committer time `at`
 * (ISO), so a test can lay out a history next to ECR's push times.
 */
export async function commitFilesAt(
  dir: string,
  files: Readonly<Record<string, string>>,
  at: string,
  message = `change at ${at}`,
  author = "Test User <test@example.invalid>",
): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const env = { ...process.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at };
  const git = (args: string[]) => promisify(execFile)("git", args, { cwd: dir, env });
  await git(["add", "--all"]);
  await git(["commit", "--quiet", "--author", author, "--message", message]);
  return (await git(["rev-parse", "HEAD"])).stdout.trim();
}
