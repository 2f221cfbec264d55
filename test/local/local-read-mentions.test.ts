import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

async function repoWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await createTempGitRepo();
  repos.push(dir);
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", "files"]);
  return dir;
}

const IMAGE = "snutt-dev/snutt-timetable";

describe("createLocalGitOps read with mentions", () => {
  it("returns the files that mention a string, and the config whether it mentions one or not", async () => {
    const dir = await repoWith({
      "apps/snutt-dev/timetable/deployment.yaml": `image: r.example/${IMAGE}:1\n`,
      "apps/snutt-dev/timetable/service.yaml": "kind: Service\n",
      "apps/snutt-dev/ev/deployment.yaml": "image: r.example/snutt-dev/snutt-ev:1\n",
      "apps/snutt-dev/notes.md": `${IMAGE}\n`,
      "apps/snutt-prod/deployment.yaml": `image: r.example/${IMAGE}:1\n`,
      ".heimdall.yaml": "version: 1\n",
    });
    const snapshot = await createLocalGitOps({ dir }).read({
      roots: ["apps/snutt-dev"],
      configPaths: [".heimdall.yaml"],
      mentions: [IMAGE, "snutt-dev/snutt-ev"],
    });
    expect([...snapshot.files.keys()].sort()).toEqual([
      "apps/snutt-dev/ev/deployment.yaml",
      "apps/snutt-dev/timetable/deployment.yaml",
    ]);
    expect(snapshot.config).toEqual({ path: ".heimdall.yaml", text: "version: 1\n" });
  });

  it("tests the working tree, not HEAD: an uncommitted mention counts, a removed one does not", async () => {
    const dir = await repoWith({
      "apps/a/added.yaml": "image: placeholder\n",
      "apps/a/removed.yaml": `image: r.example/${IMAGE}:1\n`,
    });
    await writeFile(join(dir, "apps/a/added.yaml"), `image: r.example/${IMAGE}:2\n`);
    await writeFile(join(dir, "apps/a/removed.yaml"), "image: other:1\n");
    await writeFile(join(dir, "apps/a/untracked.yaml"), `image: r.example/${IMAGE}:3\n`);
    const snapshot = await createLocalGitOps({ dir }).read({
      roots: ["apps"],
      configPaths: [],
      mentions: [IMAGE],
    });
    expect([...snapshot.files]).toEqual([["apps/a/added.yaml", `image: r.example/${IMAGE}:2\n`]]);
  });

  it("keeps a file with invalid UTF-8 that mentions the string, decoded with U+FFFD so the planner can warn", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`# caf`),
      Buffer.from([0xe9]),
      Buffer.from(`\nimage: r.example/${IMAGE}:1\n`),
    ]);
    const dir = await repoWith({ "apps/a/latin1.yaml": bytes, "apps/a/binary.yaml": "x\0y\n" });
    const snapshot = await createLocalGitOps({ dir }).read({
      roots: ["apps"],
      configPaths: [],
      mentions: [IMAGE],
    });
    expect([...snapshot.files.keys()]).toEqual(["apps/a/latin1.yaml"]);
    expect(snapshot.files.get("apps/a/latin1.yaml")).toBe(`# caf\uFFFD\nimage: r.example/${IMAGE}:1\n`);
  });

  it("never reads through a symlink, tracked or put in the working tree since", async () => {
    const outside = await repoWith({ "secret.yaml": `image: r.example/${IMAGE}:1\n` });
    const dir = await repoWith({
      "apps/a/real.yaml": `image: r.example/${IMAGE}:1\n`,
      "apps/a/later.yaml": "a: 1\n",
    });
    await symlink(join(outside, "secret.yaml"), join(dir, "apps/a/link.yaml"));
    await runGit(dir, ["add", "--all"]);
    await runGit(dir, ["commit", "--quiet", "-m", "link"]);
    await rm(join(dir, "apps/a/later.yaml"));
    await symlink(join(outside, "secret.yaml"), join(dir, "apps/a/later.yaml"));
    const repo = createLocalGitOps({ dir });
    for (const mentions of [[IMAGE], undefined]) {
      const snapshot = await repo.read({
        roots: ["apps"],
        configPaths: [],
        ...(mentions ? { mentions } : {}),
      });
      expect([...snapshot.files.keys()]).toEqual(["apps/a/real.yaml"]);
    }
  });

  it("leaves out a tracked file deleted from the working tree, with or without mentions", async () => {
    const dir = await repoWith({ "apps/a/kept.yaml": `${IMAGE}\n`, "apps/a/gone.yaml": `${IMAGE}\n` });
    await rm(join(dir, "apps/a/gone.yaml"));
    const repo = createLocalGitOps({ dir });
    for (const mentions of [[IMAGE], undefined]) {
      const snapshot = await repo.read({
        roots: ["apps"],
        configPaths: [],
        ...(mentions ? { mentions } : {}),
      });
      expect([...snapshot.files.keys()]).toEqual(["apps/a/kept.yaml"]);
    }
  });

  it("takes roots literally and ignores pattern-like mentions' magic", async () => {
    const dir = await repoWith({
      "apps/[a]/x.yaml": "image: r.example/team/a.b:1\n",
      "apps/a/y.yaml": "image: r.example/team/a.b:1\n",
      "apps/[a]/z.yaml": "image: r.example/team/axb:1\n",
    });
    const snapshot = await createLocalGitOps({ dir }).read({
      roots: ["apps/[a]"],
      configPaths: [],
      mentions: ["team/a.b"],
    });
    expect([...snapshot.files.keys()]).toEqual(["apps/[a]/x.yaml"]);
  });

  it("answers no files when nothing mentions the string, and every file when mentions is empty", async () => {
    const dir = await repoWith({ "apps/a/x.yaml": "a: 1\n", ".heimdall.yaml": "version: 1\n" });
    const repo = createLocalGitOps({ dir });
    const none = await repo.read({ roots: ["apps"], configPaths: [".heimdall.yaml"], mentions: [IMAGE] });
    expect(none.files.size).toBe(0);
    expect(none.config?.path).toBe(".heimdall.yaml");
    const all = await repo.read({ roots: ["apps"], configPaths: [], mentions: [] });
    expect([...all.files.keys()]).toEqual(["apps/a/x.yaml"]);
  });
});
