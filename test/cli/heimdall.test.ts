import { execFile } from "node:child_process";
import { readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lambda/cli/heimdall.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrEvent } from "../support/ecr-event.ts";
import { commitCount, createTempGitRepo, isClean, readTree, removeDir } from "../support/temp-git-repo.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sample = join(root, "fixtures/app-of-apps");
const manifest = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const IMAGE = `${SEOUL_REGISTRY}/snutt-dev/snutt-timetable`;
const repos: string[] = [];

afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

async function sampleRepo(): Promise<string> {
  const repo = await createTempGitRepo(join(sample, "before"));
  repos.push(repo);
  return repo;
}

async function run(argv: string[], stdin = "") {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => stdin,
  });
  return { status, stdout, stderr };
}

async function eventFile(repo: string, event: unknown): Promise<string> {
  const path = join(repo, "..", `${repo.split("/").pop()}-event.json`);
  await writeFile(path, typeof event === "string" ? event : JSON.stringify(event));
  return path;
}

describe("heimdall apply", () => {
  it("commits the update once, on a clean tree, and says what it did", async () => {
    const repo = await sampleRepo();
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("updated snutt-dev/snutt-timetable:46");
    expect(result.stdout).toContain(manifest);
    const head = (await runGit(repo, ["rev-parse", "HEAD"])).trim();
    expect(result.stdout).toContain(
      `commit ${head} Automated commit by ECR push (snutt-dev/snutt-timetable:46)`,
    );
    expect(await commitCount(repo)).toBe(2);
    expect(await isClean(repo)).toBe(true);
    expect(await readFile(join(repo, manifest), "utf8")).toContain("snutt-dev/snutt-timetable:46");
  });

  it("is a no-op the second time: no empty commit", async () => {
    const repo = await sampleRepo();
    const argv = ["apply", "--event", join(sample, "event.json"), "--repo", repo];
    expect((await run(argv)).status).toBe(0);
    const second = await run(argv);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("no commit: nothing changed");
    expect(await commitCount(repo)).toBe(2);
  });

  it("--dry-run prints a unified diff and writes nothing", async () => {
    const repo = await sampleRepo();
    const before = await readTree(repo);
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo, "--dry-run"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`--- a/${manifest}`);
    expect(result.stdout).toContain(`+++ b/${manifest}`);
    expect(result.stdout).toMatch(/^-.*snutt-timetable:\d+$/m);
    expect(result.stdout).toMatch(/^\+.*snutt-timetable:46$/m);
    expect(result.stdout).toContain("dry run: nothing was written or committed");
    expect(await readTree(repo)).toEqual(before);
    expect(await commitCount(repo)).toBe(1);
  });

  it("reads the event from stdin with --event -", async () => {
    const repo = await sampleRepo();
    const event = await readFile(join(sample, "event.json"), "utf8");
    const result = await run(["apply", "--event", "-", "--repo", repo], event);
    expect(result.status).toBe(0);
    expect(await commitCount(repo)).toBe(2);
  });

  it("--image makes the same edits and commit message as the event for that push", async () => {
    const byEvent = await sampleRepo();
    const byImage = await sampleRepo();
    expect((await run(["apply", "--event", join(sample, "event.json"), "--repo", byEvent])).status).toBe(0);
    const result = await run(["apply", "--image", `${IMAGE}:46`, "--repo", byImage]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("updated snutt-dev/snutt-timetable:46");
    expect(await readTree(byImage)).toEqual(await readTree(byEvent));
    // Headline and change lines alike; only the event's trailers (Image-Digest, ECR-Event-Id) are the event's own.
    const message = async (repo: string) =>
      (await runGit(repo, ["log", "-1", "--format=%B"])).split("\n\n").slice(0, 2);
    expect(await message(byImage)).toEqual(await message(byEvent));
    expect(await runGit(byImage, ["log", "-1", "--format=%(trailers)"])).toBe("\n");
    expect(await commitCount(byImage)).toBe(2);
  });

  it("--image rolls back to an older tag without inventing a digest", async () => {
    const repo = await sampleRepo();
    const result = await run(["apply", "--image", `${IMAGE}:44`, "--repo", repo]);
    expect(result.status).toBe(0);
    const rolledBack = await readFile(join(repo, manifest), "utf8");
    expect(rolledBack).toContain("snutt-dev/snutt-timetable:44");
    expect(rolledBack).not.toContain("sha256:");
    expect(await runGit(repo, ["log", "-1", "--format=%s"])).toBe(
      "Automated commit by ECR push (snutt-dev/snutt-timetable:44)\n",
    );
  });

  it("--dry-run shows paused targets and references left alone", async () => {
    const repo = await sampleRepo();
    const config = join(repo, "..", `${repo.split("/").pop()}-paused.yaml`);
    await writeFile(
      config,
      [
        "version: 1",
        "targets:",
        "  - repository: snutt-dev/*",
        "    paths: [apps/snutt-dev/**]",
        "    paused: true",
        "    pausedReason: load test running",
        "  - repository: snutt-dev/snutt-timetable",
        "    paths: [apps/snutt-dev/snutt-timetable/cronjob.yaml]",
        "",
      ].join("\n"),
    );
    const argv = ["apply", "--image", `${IMAGE}:46`, "--repo", repo, "--config", config, "--dry-run"];
    const result = await run(argv);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "no change for snutt-dev/snutt-timetable:46 (paused): targets[0] is paused: load test running",
    );
    expect(result.stdout).toContain(
      `  skipped ${manifest}: spec.template.spec.containers[0].image ${IMAGE}:45 (targets[0] is paused: load test running)`,
    );
    expect(result.stdout).not.toContain("--- a/");
    expect(await commitCount(repo)).toBe(1);
  });

  it("--dry-run shows a reference a # heimdall:pin comment holds, and the diff of the others", async () => {
    const repo = await sampleRepo();
    const path = join(repo, manifest);
    const pinned = (await readFile(path, "utf8")).replace(
      /(image: \S+snutt-timetable:45)/,
      "$1 # heimdall:pin until the migration is done",
    );
    await writeFile(path, pinned);
    await runGit(repo, ["commit", "--quiet", "-am", "pin the timetable deployment"]);
    const result = await run(["apply", "--image", `${IMAGE}:46`, "--repo", repo, "--dry-run"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `  skipped ${manifest}: spec.template.spec.containers[0].image ${IMAGE}:45 (pinned by a # heimdall:pin comment)`,
    );
    expect(result.stdout).toContain("--- a/apps/snutt-dev/snutt-timetable/cronjob.yaml");
    expect(result.stdout).not.toContain(`--- a/${manifest}`);
    expect(await readFile(path, "utf8")).toBe(pinned);
  });

  it("ignores a delete event with exit 0 and the reason", async () => {
    const repo = await sampleRepo();
    const result = await run([
      "apply",
      "--event",
      await eventFile(repo, ecrEvent({ "action-type": "DELETE" })),
      "--repo",
      repo,
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("ignored: action-type 'DELETE' is not a push\n");
    expect(await commitCount(repo)).toBe(1);
  });

  it.each([
    ["a bad tag", ecrEvent({ "image-tag": "v1/2" }), "is not a valid tag"],
    ["a bad repository name", ecrEvent({ "repository-name": "../etc" }), "not a valid ECR repository name"],
    ["unparseable JSON", "{", "not valid JSON"],
    ["unparseable pretty-printed JSON", '{\n  "id": ,\n  "detail": {}\n}\n', "not valid JSON"],
  ])("exits 2 on %s with one line on stderr and changes nothing", async (_name, event, message) => {
    const repo = await sampleRepo();
    const before = await readTree(repo);
    const result = await run(["apply", "--event", await eventFile(repo, event), "--repo", repo]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stdout).toBe("");
    expect(await readTree(repo)).toEqual(before);
    expect(await commitCount(repo)).toBe(1);
  });

  it("exits 2 on an invalid --config, naming the file and line", async () => {
    const repo = await sampleRepo();
    const config = join(repo, "..", `${repo.split("/").pop()}-heimdall.yaml`);
    await writeFile(config, "version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: nope\n");
    const result = await run([
      "apply",
      "--event",
      join(sample, "event.json"),
      "--repo",
      repo,
      "--config",
      config,
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(":4");
    expect(await commitCount(repo)).toBe(1);
  });

  it.each([
    [["apply"], "needs --event <file|-> or --image <reference>"],
    [["apply", "--event", "x.json", "--image", `${IMAGE}:46`], "takes --event or --image, not both"],
    [["apply", "--image", "ghcr.io/acme/web:1"], "not an ECR registry host"],
    [["deploy", "--event", "x.json"], "unknown command 'deploy'"],
    [["apply", "--event", "x.json", "--force"], "--force"],
    [["apply", "--event", "/nonexistent/event.json"], "could not read the event file"],
  ])("exits 2 on bad usage %j", async (argv, message) => {
    const result = await run(argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("exits 1 when the repository is not a git checkout", async () => {
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", "/tmp"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("not a git checkout");
  });

  it("refuses to sweep a manifest's uncommitted edits into its commit", async () => {
    const repo = await sampleRepo();
    const path = join(repo, manifest);
    await writeFile(path, `# local edit\n${await readFile(path, "utf8")}`);
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("uncommitted changes");
    expect(await commitCount(repo)).toBe(1);
    expect(await readFile(path, "utf8")).toMatch(/^# local edit\n/);
  });

  it("leaves out a tracked manifest missing from the working tree instead of an unexpected ENOENT", async () => {
    const repo = await sampleRepo();
    await removeDir(join(repo, manifest));
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo, "--dry-run"]);
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain(manifest);
  });

  it("--dry-run never prints files from outside the repository through a symlinked folder", async () => {
    const repo = await sampleRepo();
    const outside = await sampleRepo();
    const folder = "apps/snutt-dev/snutt-timetable";
    await removeDir(join(repo, folder));
    await symlink(join(outside, folder), join(repo, folder));
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo, "--dry-run"]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain(folder);
    expect(result.stdout).not.toContain("+++");
  });

  it("--help explains the command", async () => {
    const result = await run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("heimdall apply --event <file|->");
  });

  it("runs as the installed bin: the bundle package.json's bin names, built as npm install builds it", async () => {
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      bin: { heimdall: string };
      scripts: { prepare: string };
      dependencies: Record<string, string>;
    };
    expect(pkg.bin.heimdall).toBe("dist/cli/heimdall.mjs");
    expect(pkg.scripts.prepare).toBe("node scripts/build-cli.mjs");
    expect(pkg.dependencies.tsx).toBeUndefined(); // no TypeScript loader at run time

    const out = await createTempGitRepo();
    repos.push(out);
    const exec = promisify(execFile);
    await exec(process.execPath, [join(root, "scripts/build-cli.mjs"), join(out, "cli")]);
    const bin = join(out, "cli/heimdall.mjs");
    const help = await exec(bin, ["--help"]); // executable, with its #! line
    expect(help.stdout).toContain("Exit status: 0 updated");

    const repo = await sampleRepo();
    const dryRun = await exec(process.execPath, [
      bin,
      "apply",
      "--event",
      join(sample, "event.json"),
      "--repo",
      repo,
      "--dry-run",
    ]);
    expect(dryRun.stdout).toContain(`+++ b/${manifest}`);
    expect(await commitCount(repo)).toBe(1);

    const refused = await exec(process.execPath, [bin, "apply"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toContain("apply needs --event");
  });
});
