import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

export interface CatFileObject {
  readonly oid: string;
  readonly type: "blob" | "tree" | "commit" | "tag";
  readonly size: number;
  /** Present for `contents` requests only. */
  readonly bytes?: Buffer;
}

interface Pending {
  readonly withContents: boolean;
  readonly resolve: (object: CatFileObject | undefined) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch-command` process per repository, so reading a tree of a hundred
 * files costs a hundred pipe round trips instead of a hundred process spawns. Requests are answered in
 * the order they were written, which is what the queue relies on. An object that does not exist
 * resolves to `undefined`; if git dies, every waiting and later request rejects.
 *
 * @example
 * const batch = createCatFileBatch("/tmp/repo.git");
 * const blob = await batch.contents("3b18e512dba79e4c8300dd08aeb37f8e728b8dad");
 * batch.close();
 */
export interface CatFileBatch {
  info(oid: string): Promise<CatFileObject | undefined>;
  contents(oid: string): Promise<CatFileObject | undefined>;
  close(): void;
}

const ISOLATED_ENV = { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

export function createCatFileBatch(dir: string): CatFileBatch {
  let child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  let failure: Error | undefined;
  const queue: Pending[] = [];
  let buffer: Buffer = Buffer.alloc(0);

  const fail = (error: Error) => {
    failure = error;
    for (const pending of queue.splice(0)) pending.reject(error);
  };

  // Consumes as many complete answers as the buffer holds.
  const drain = () => {
    for (;;) {
      const pending = queue[0];
      if (!pending) return;
      const newline = buffer.indexOf(0x0a);
      if (newline === -1) return;
      const header = buffer.subarray(0, newline).toString("utf8");
      const [oid = "", type = "", size = ""] = header.split(" ");
      if (type === "missing" || type === "ambiguous") {
        buffer = buffer.subarray(newline + 1);
        queue.shift();
        pending.resolve(undefined);
        continue;
      }
      const length = Number(size);
      if (type !== "blob" && type !== "tree" && type !== "commit" && type !== "tag") {
        fail(new Error(`git cat-file answered an unexpected header: ${header}`));
        return;
      }
      if (!pending.withContents) {
        buffer = buffer.subarray(newline + 1);
        queue.shift();
        pending.resolve({ oid, type, size: length });
        continue;
      }
      const end = newline + 1 + length;
      if (buffer.length < end + 1) return;
      const bytes = Buffer.from(buffer.subarray(newline + 1, end));
      buffer = buffer.subarray(end + 1);
      queue.shift();
      pending.resolve({ oid, type, size: length, bytes });
    }
  };

  const start = () => {
    const spawned = spawn("git", ["cat-file", "--batch-command"], {
      cwd: dir,
      env: { ...process.env, ...ISOLATED_ENV },
      stdio: ["pipe", "pipe", "ignore"],
    });
    spawned.stdout.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      drain();
    });
    spawned.on("error", (error) => fail(error));
    spawned.on("exit", (code) => {
      if (queue.length > 0)
        fail(new Error(`git cat-file --batch-command exited (${code}) with requests pending`));
      child = undefined;
    });
    spawned.stdin.on("error", (error) => fail(error));
    return spawned;
  };

  const ask = (command: "info" | "contents", oid: string) =>
    new Promise<CatFileObject | undefined>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      // The protocol is line-based: a name with a line break would desynchronize every later answer.
      if (/[\r\n]/.test(oid)) {
        resolve(undefined);
        return;
      }
      child ??= start();
      queue.push({ withContents: command === "contents", resolve, reject });
      child.stdin.write(`${command} ${oid}\n`);
    });

  return {
    info: (oid) => ask("info", oid),
    contents: (oid) => ask("contents", oid),
    close() {
      child?.stdin.end();
      child = undefined;
    },
  };
}
