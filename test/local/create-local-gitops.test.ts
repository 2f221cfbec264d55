import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StaleHeadError } from "../../lambda/core/update/stale-head-error.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { LocalRepoError } from "../../lambda/local/local-repo-error.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import {
  commitCount,
  commitFilesAt,
  createGitRepoWith,
  createTempGitRepo,
  removeDir,
} from "../support/temp-git-repo.ts";

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = await createGitRepoWith(files, "files");
  repos.push(dir);
  return dir;
}

describe("createLocalGitOps", () => {
  it("reads tracked YAML under the roots, the config, and HEAD", async () => {
    const dir = await repoWith({
      "apps/a/x/deploy.yaml": "a: 1\r\n",
      "apps/a/y.yml": "\uFEFFb: 2",
      "apps/a/README.md": "image: x",
      "apps/ab/z.yaml": "c: 3\n",
      "apps/b/w.yaml": "d: 4\n",
      ".heimdall.yaml": "version: 1\n",
    });
    await writeFile(join(dir, "apps/a/untracked.yaml"), "e: 5\n");
    const repo = createLocalGitOps({ dir });
    const snapshot = await repo.read({ roots: ["apps/a"], configPaths: [".heimdall.yml", ".heimdall.yaml"] });
    expect(snapshot.headOid).toBe((await runGit(dir, ["rev-parse", "HEAD"])).trim());
    expect([...snapshot.files.keys()].sort()).toEqual(["apps/a/x/deploy.yaml", "apps/a/y.yml"]);
    expect(snapshot.files.get("apps/a/x/deploy.yaml")).toBe("a: 1\r\n");
    expect(snapshot.files.get("apps/a/y.yml")).toBe("\uFEFFb: 2");
    expect(snapshot.config).toEqual({ path: ".heimdall.yaml", text: "version: 1\n" });
  });

  it("reads the whole tree for root '' and nothing for a missing root", async () => {
    const dir = await repoWith({ "apps/a/x.yaml": "a: 1\n", "top.yaml": "b: 2\n" });
    const repo = createLocalGitOps({ dir });
    expect([...(await repo.read({ roots: [""], configPaths: [] })).files.keys()].sort()).toEqual([
      "apps/a/x.yaml",
      "top.yaml",
    ]);
    const missing = await repo.read({ roots: ["apps/none"], configPaths: [".heimdall.yaml"] });
    expect(missing.files.size).toBe(0);
    expect(missing.config).toBeUndefined();
  });

  it("commits exactly the given files with headline and body", async () => {
    const dir = await repoWith({ "apps/a/x.yaml": "tag: 1\n", "apps/a/y.yaml": "other: 1\n" });
    await writeFile(join(dir, "scratch.txt"), "untracked stays untracked\n");
    const repo = createLocalGitOps({ dir });
    const { headOid } = await repo.read({ roots: ["apps"], configPaths: [] });
    const result = await repo.commit({
      expectedHeadOid: headOid,
      headline: "Automated commit by ECR push (a:2)",
      body: "apps/a/x.yaml: tag 1 → 2",
      files: [{ path: "apps/a/x.yaml", contents: "tag: 2\n" }],
    });
    expect(result.oid).toBe((await runGit(dir, ["rev-parse", "HEAD"])).trim());
    expect(await runGit(dir, ["log", "-1", "--format=%B"])).toBe(
      "Automated commit by ECR push (a:2)\n\napps/a/x.yaml: tag 1 → 2\n\n",
    );
    expect((await runGit(dir, ["show", "--name-only", "--format=", "HEAD"])).trim()).toBe("apps/a/x.yaml");
    expect(await runGit(dir, ["status", "--porcelain"])).toBe("?? scratch.txt\n");
  });

  it("refuses with StaleHeadError when HEAD moved since the read, and overwrites nothing", async () => {
    const dir = await repoWith({ "apps/a/x.yaml": "tag: 1\n" });
    const repo = createLocalGitOps({ dir });
    const { headOid } = await repo.read({ roots: ["apps"], configPaths: [] });
    await writeFile(join(dir, "apps/a/x.yaml"), "tag: 9\n");
    await runGit(dir, ["commit", "--quiet", "-am", "someone else"]);
    await expect(
      repo.commit({
        expectedHeadOid: headOid,
        headline: "h",
        body: "",
        files: [{ path: "apps/a/x.yaml", contents: "tag: 2\n" }],
      }),
    ).rejects.toBeInstanceOf(StaleHeadError);
    expect(await commitCount(dir)).toBe(3);
    expect((await runGit(dir, ["show", "HEAD:apps/a/x.yaml"])).trim()).toBe("tag: 9");
  });

  it("skips tracked symlinks, so nothing outside the repository can be read or written", async () => {
    const outside = await createTempGitRepo();
    repos.push(outside);
    await writeFile(join(outside, "secret.yaml"), "image: r.example/ns/app:1\n");
    const dir = await repoWith({ "apps/a/real.yaml": "a: 1\n" });
    await symlink(join(outside, "secret.yaml"), join(dir, "apps/a/link.yaml"));
    await runGit(dir, ["add", "--all"]);
    await runGit(dir, ["commit", "--quiet", "-m", "link"]);
    const snapshot = await createLocalGitOps({ dir }).read({ roots: ["apps"], configPaths: [] });
    expect([...snapshot.files.keys()]).toEqual(["apps/a/real.yaml"]);
    expect(await readFile(join(outside, "secret.yaml"), "utf8")).toBe("image: r.example/ns/app:1\n");
  });

  it("never reads outside the checkout through a folder that is a symbolic link in the working tree", async () => {
    const outside = await repoWith({ "secret.yaml": "password: hunter2\n" });
    const dir = await repoWith({ "apps/a/x/deploy.yaml": "image: x:1\n", "apps/a/y.yaml": "image: y:1\n" });
    // Tracked as a real folder; on disk, a link to somewhere else holding a file of the same name.
    await removeDir(join(dir, "apps/a/x"));
    await mkdir(join(outside, "deploy"), { recursive: true });
    await writeFile(join(outside, "deploy/deploy.yaml"), "stolen: true\n");
    await symlink(join(outside, "deploy"), join(dir, "apps/a/x"));
    const snapshot = await createLocalGitOps({ dir }).read({ roots: ["apps/a"], configPaths: [] });
    expect([...snapshot.files.keys()]).toEqual(["apps/a/y.yaml"]);
  });

  it("refuses to commit on a detached HEAD", async () => {
    const dir = await repoWith({ "apps/a/x.yaml": "tag: 1\n" });
    await runGit(dir, ["checkout", "--quiet", "--detach"]);
    const repo = createLocalGitOps({ dir });
    const { headOid } = await repo.read({ roots: ["apps"], configPaths: [] });
    const attempt = repo.commit({
      expectedHeadOid: headOid,
      headline: "h",
      body: "",
      files: [{ path: "apps/a/x.yaml", contents: "tag: 2\n" }],
    });
    await expect(attempt).rejects.toBeInstanceOf(LocalRepoError);
    await expect(attempt).rejects.toThrow("HEAD of");
    expect(await readFile(join(dir, "apps/a/x.yaml"), "utf8")).toBe("tag: 1\n");
  });
});

describe("createLocalGitOps lastChanges", () => {
  it("names the commit that last changed each line; uncommitted lines count as changed now", async () => {
    const dir = await createTempGitRepo();
    const first = await commitFilesAt(
      dir,
      { "a.yaml": "one: 1\ntwo: 2\nthree: 3\n" },
      "2026-11-20T10:00:00Z",
    );
    const second = await commitFilesAt(
      dir,
      { "a.yaml": "one: 1\ntwo: 22\nthree: 3\n" },
      "2026-11-20T11:00:00Z",
    );
    await writeFile(join(dir, "a.yaml"), "one: 1\ntwo: 22\nthree: 33\n");
    const before = Date.now();
    const repo = createLocalGitOps({ dir });

    const answer = await repo.lastChanges({
      headOid: second,
      lines: new Map([
        ["a.yaml", [1, 2, 3]],
        ["gone.yaml", [1]],
      ]),
    });

    const lines = answer.get("a.yaml");
    expect(lines?.get(1)).toEqual({ at: new Date("2026-11-20T10:00:00Z"), commit: first });
    expect(lines?.get(2)).toEqual({ at: new Date("2026-11-20T11:00:00Z"), commit: second });
    expect(lines?.get(3)?.commit).toBe("0".repeat(40));
    expect(lines?.get(3)?.at.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(answer.get("gone.yaml")?.size ?? 0).toBe(0);
    await removeDir(dir);
  });
});
