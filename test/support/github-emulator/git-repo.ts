import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createCatFileBatch } from "./cat-file-batch.ts";
import { type GitCommitObject, type GitPerson, parseCommitObject } from "./parse-commit-object.ts";
import { type GitTreeEntry, parseTreeObject } from "./parse-tree-object.ts";
import { runGit } from "./run-git.ts";

export type { GitTreeEntry } from "./parse-tree-object.ts";

export interface CommitOntoRequest {
  /** Fully qualified ref, e.g. `refs/heads/main`. */
  readonly ref: string;
  /** The ref must point here, else nothing is written and `{ ok: false }` comes back. */
  readonly expectedOid: string;
  /** `mode` `120000` makes a symbolic link (`bytes` is its target); default the entry's mode, or `100644`. */
  readonly additions: readonly { readonly path: string; readonly bytes: Buffer; readonly mode?: "120000" }[];
  readonly deletions: readonly string[];
  readonly message: string;
  readonly author: Omit<GitPerson, "date">;
  readonly committer: Omit<GitPerson, "date">;
  /** Commit time; defaults to now. */
  readonly date?: Date;
}

export type CommitOntoResult =
  | { readonly ok: true; readonly oid: string }
  | { readonly ok: false; readonly reason: "stale"; readonly actualOid: string | undefined }
  | { readonly ok: false; readonly reason: "missing-deletion"; readonly path: string };

/**
 * A bare git repository on disk driven through the git CLI (plumbing only, no working tree).
 *
 * Objects are immutable, so blob bytes and tree listings are cached by oid. `commitOnto` builds the new
 * tree in a private index file and moves the ref with `update-ref <new> <old>`, so git itself refuses
 * the move when the ref changed underneath; callers still serialize it with a mutex so that the
 * emulator's answer (stale vs committed) is decided by one writer at a time.
 *
 * @example
 * const repo = createGitRepo("/tmp/x/repo.git");
 * await repo.init("main", { "apps/a.yaml": "image: a:1\n" }, "Initial commit");
 * const head = await repo.revParse("refs/heads/main");
 */
/** Lines `startingLine`..`endingLine` (1-based, inclusive) last changed by `commit`. */
export interface BlameHunk {
  readonly startingLine: number;
  readonly endingLine: number;
  readonly commit: string;
}

export interface GitRepo {
  readonly dir: string;
  /** `{ symlink: target }` seeds a symbolic link. */
  init(
    defaultBranch: string,
    files: Readonly<Record<string, string | Buffer | { readonly symlink: string }>>,
    message: string,
  ): Promise<string>;
  /** Resolves any git revision expression (`main:apps/x.yaml`, an oid); undefined when it does not exist. */
  revParse(expression: string): Promise<string | undefined>;
  objectType(oid: string): Promise<"commit" | "tree" | "blob" | "tag">;
  readBlob(oid: string): Promise<Buffer>;
  readCommit(oid: string): Promise<GitCommitObject>;
  listTree(treeOid: string): Promise<readonly GitTreeEntry[]>;
  /** The entry at `path` (slash-separated, no leading slash) inside `commitOid`'s tree. */
  entryAt(commitOid: string, path: string): Promise<GitTreeEntry | undefined>;
  /** Commit oids reachable from `oid`, newest first, optionally only those touching `path`. */
  history(oid: string, options: { readonly path?: string; readonly max: number }): Promise<readonly string[]>;
  /** `git blame` of `path` at `oid`: consecutive lines last changed by one commit, as GitHub groups them. */
  blame(oid: string, path: string): Promise<readonly BlameHunk[]>;
  commitOnto(request: CommitOntoRequest): Promise<CommitOntoResult>;
  /** Stops the background `git cat-file` process. */
  close(): void;
}

export function createGitRepo(dir: string): GitRepo {
  const batch = createCatFileBatch(dir);
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, readonly GitTreeEntry[]>();
  const commits = new Map<string, GitCommitObject>();
  const git = (args: readonly string[], options?: Parameters<typeof runGit>[2]) => runGit(dir, args, options);

  async function buildCommit(
    parent: string | undefined,
    additions: CommitOntoRequest["additions"],
    deletions: readonly string[],
    message: string,
    env: Record<string, string>,
  ): Promise<CommitOntoResult> {
    const scratch = join(dir, `emulator-scratch-${randomUUID()}`);
    const indexEnv = { GIT_INDEX_FILE: join(scratch, "index") };
    try {
      await mkdir(scratch);
      if (parent) await git(["read-tree", `${parent}^{tree}`], { env: indexEnv });
      // One index update for all changes: "<mode> <oid>\t<path>\0", mode 0 removes.
      const records: string[] = [];
      for (const path of deletions) {
        const entry = parent ? await repo.entryAt(parent, path) : undefined;
        if (!entry || entry.type === "tree") return { ok: false, reason: "missing-deletion", path };
        records.push(`0 ${"0".repeat(40)}\t${path}`);
      }
      if (additions.length > 0) {
        // hash-object writes every blob in one process when given file paths.
        const paths = await Promise.all(
          additions.map(async ({ bytes }, index) => {
            const file = join(scratch, `blob-${index}`);
            await writeFile(file, bytes);
            return file;
          }),
        );
        const oids = (
          await git(["hash-object", "-w", "--no-filters", "--stdin-paths"], {
            input: `${paths.join("\n")}\n`,
          })
        )
          .toString("utf8")
          .trim()
          .split("\n");
        for (const [index, { path }] of additions.entries()) {
          const existing = parent ? await repo.entryAt(parent, path) : undefined;
          const mode = additions[index]?.mode ?? (existing?.type === "blob" ? existing.mode : "100644");
          records.push(`${mode} ${oids[index] ?? ""}\t${path}`);
        }
      }
      if (records.length > 0) {
        await git(["update-index", "-z", "--index-info"], {
          input: `${records.join("\0")}\0`,
          env: indexEnv,
        });
      }
      const tree = (await git(["write-tree"], { env: indexEnv })).toString("utf8").trim();
      const parentArgs = parent ? ["-p", parent] : [];
      const oid = (await git(["commit-tree", tree, ...parentArgs, "-F", "-"], { input: message, env }))
        .toString("utf8")
        .trim();
      return { ok: true, oid };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  function identityEnv(request: Pick<CommitOntoRequest, "author" | "committer" | "date">) {
    const date = `${Math.floor((request.date ?? new Date()).getTime() / 1000)} +0000`;
    return {
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: request.committer.name,
      GIT_COMMITTER_EMAIL: request.committer.email,
      GIT_COMMITTER_DATE: date,
    };
  }

  const repo: GitRepo = {
    dir,
    close: () => batch.close(),
    async init(defaultBranch, files, message) {
      await runGit(".", ["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, dir]);
      const additions = Object.entries(files).map(([path, contents]) =>
        typeof contents === "object" && !Buffer.isBuffer(contents)
          ? { path, bytes: Buffer.from(contents.symlink, "utf8"), mode: "120000" as const }
          : { path, bytes: Buffer.isBuffer(contents) ? contents : Buffer.from(contents, "utf8") },
      );
      const person = { name: "Initial Author", email: "initial@example.com" };
      const built = await buildCommit(
        undefined,
        additions,
        [],
        message,
        identityEnv({ author: person, committer: person }),
      );
      if (!built.ok) throw new Error("Initial commit could not be built");
      await git(["update-ref", `refs/heads/${defaultBranch}`, built.oid, ""]);
      return built.oid;
    },
    async revParse(expression) {
      // An expression starting with "-" would be read as an option, never as a revision.
      if (expression.startsWith("-") || expression.includes("\0")) return undefined;
      // Branch heads are asked for on every request; a loose ref file is read without spawning git.
      if (/^refs\/heads\/[\w.\-/]+$/.test(expression) && !expression.includes("..")) {
        const loose = await readFile(join(dir, expression), "utf8").catch(() => undefined);
        if (loose && /^[0-9a-f]{40}\n?$/.test(loose)) return loose.trim();
      }
      try {
        const out = await git(["rev-parse", "--verify", "--quiet", expression]);
        const oid = out.toString("utf8").trim();
        return /^[0-9a-f]{40}$/.test(oid) ? oid : undefined;
      } catch {
        return undefined;
      }
    },
    async objectType(oid) {
      const found = await batch.info(oid);
      if (!found) throw new Error(`Object ${oid} does not exist in the emulator's repository`);
      return found.type;
    },
    async readBlob(oid) {
      const cached = blobs.get(oid);
      if (cached) return cached;
      const found = await batch.contents(oid);
      if (found?.type !== "blob" || !found.bytes) throw new Error(`Blob ${oid} does not exist`);
      blobs.set(oid, found.bytes);
      return found.bytes;
    },
    async readCommit(oid) {
      const cached = commits.get(oid);
      if (cached) return cached;
      const found = await batch.contents(oid);
      if (found?.type !== "commit" || !found.bytes) throw new Error(`Commit ${oid} does not exist`);
      const parsed = parseCommitObject(oid, found.bytes.toString("utf8"));
      commits.set(oid, parsed);
      return parsed;
    },
    async listTree(treeOid) {
      const cached = trees.get(treeOid);
      if (cached) return cached;
      const found = await batch.contents(treeOid);
      if (found?.type !== "tree" || !found.bytes) throw new Error(`Tree ${treeOid} does not exist`);
      const entries = await Promise.all(
        parseTreeObject(found.bytes).map(async (entry) => {
          const size = entry.type === "blob" ? ((await batch.info(entry.oid))?.size ?? 0) : 0;
          return { ...entry, size };
        }),
      );
      trees.set(treeOid, entries);
      return entries;
    },
    async entryAt(commitOid, path) {
      const parts = path.split("/").filter((part) => part !== "");
      if (parts.length === 0) return undefined;
      let treeOid = (await repo.readCommit(commitOid)).tree;
      for (const [index, part] of parts.entries()) {
        const entry = (await repo.listTree(treeOid)).find((candidate) => candidate.name === part);
        if (!entry) return undefined;
        if (index === parts.length - 1) return entry;
        if (entry.type !== "tree") return undefined;
        treeOid = entry.oid;
      }
      return undefined;
    },
    async history(oid, options) {
      const pathArgs = options.path ? ["--", options.path] : [];
      const out = await git(["rev-list", `--max-count=${options.max}`, oid, ...pathArgs]);
      return out
        .toString("utf8")
        .split("\n")
        .filter((line) => line !== "");
    },
    async blame(oid, path) {
      // `--incremental` prints one `<commit> <source line> <final line> <count>` header per hunk.
      const out = (await git(["blame", "--incremental", oid, "--", path])).toString("utf8");
      const hunks = out.split("\n").flatMap((line) => {
        const match = /^([0-9a-f]{40}) \d+ (\d+) (\d+)$/.exec(line);
        if (match === null) return [];
        const start = Number(match[2]);
        return [{ startingLine: start, endingLine: start + Number(match[3]) - 1, commit: match[1] ?? "" }];
      });
      const merged: BlameHunk[] = [];
      for (const hunk of hunks.sort((a, b) => a.startingLine - b.startingLine)) {
        const last = merged.at(-1);
        if (last !== undefined && last.commit === hunk.commit && last.endingLine + 1 === hunk.startingLine) {
          merged[merged.length - 1] = { ...last, endingLine: hunk.endingLine };
        } else merged.push(hunk);
      }
      return merged;
    },
    async commitOnto(request) {
      const actual = await repo.revParse(request.ref);
      if (actual !== request.expectedOid) return { ok: false, reason: "stale", actualOid: actual };
      const built = await buildCommit(
        request.expectedOid,
        request.additions,
        request.deletions,
        request.message,
        identityEnv(request),
      );
      if (!built.ok) return built;
      try {
        await git(["update-ref", request.ref, built.oid, request.expectedOid]);
      } catch {
        return { ok: false, reason: "stale", actualOid: await repo.revParse(request.ref) };
      }
      return built;
    },
  };
  return repo;
}
