import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lambda/cli/heimdall.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { commitCount, createTempGitRepo, isClean, readTree, removeDir } from "../support/temp-git-repo.ts";

const sample = fileURLToPath(new URL("../../fixtures/pull-request-branch/", import.meta.url));
const BRANCH = "heimdall/snutt-prod/snutt-timetable";
const PROD = "apps/snutt-prod/snutt-timetable/deployment.yaml";
const repos: string[] = [];

afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { status, stdout, stderr };
}

async function sampleRepo(): Promise<string> {
  const repo = await createTempGitRepo(join(sample, "before"));
  repos.push(repo);
  return repo;
}

describe("heimdall apply with a pullRequest target", () => {
  it("proposes on the local branch heimdall/<repository> and prints its name and commit", async () => {
    const repo = await sampleRepo();
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const oid = (await runGit(repo, ["rev-parse", BRANCH])).trim();
    expect(result.stdout).toContain(
      `proposed snutt-prod/snutt-timetable:46 on branch ${BRANCH} (1 value in 1 file)`,
    );
    expect(result.stdout).toContain(`  commit ${oid} on ${BRANCH}`);
    expect(result.stdout).toContain("no commit on the branch");
    expect(await commitCount(repo)).toBe(1);
    expect(await isClean(repo)).toBe(true);

    const again = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo]);
    expect(again.stdout).toContain(
      `no change for snutt-prod/snutt-timetable:46 on ${BRANCH}: already proposed on branch ${BRANCH}`,
    );
    expect((await runGit(repo, ["rev-parse", BRANCH])).trim()).toBe(oid);
  });

  it("--dry-run prints each branch's diff and creates no branch", async () => {
    const repo = await sampleRepo();
    const before = await readTree(repo);
    const result = await run(["apply", "--event", join(sample, "event.json"), "--repo", repo, "--dry-run"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`would propose snutt-prod/snutt-timetable:46 on branch ${BRANCH}`);
    const diff = result.stdout.slice(
      result.stdout.indexOf(`branch ${BRANCH} (one commit on the checked-out HEAD):`),
    );
    expect(diff).toContain(`--- a/${PROD}`);
    expect(diff).toMatch(/^-.*snutt-prod\/snutt-timetable:45 # reviewed in a pull request$/m);
    expect(diff).toMatch(/^\+.*snutt-prod\/snutt-timetable:46 # reviewed in a pull request$/m);
    expect(await readTree(repo)).toEqual(before);
    await expect(
      runGit(repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${BRANCH}`]),
    ).rejects.toThrow();
  });

  it("refuses to rewrite a proposal branch that is checked out, writing nothing", async () => {
    const repo = await sampleRepo();
    expect((await run(["apply", "--event", join(sample, "event.json"), "--repo", repo])).status).toBe(0);
    const proposed = (await runGit(repo, ["rev-parse", BRANCH])).trim();
    await runGit(repo, ["checkout", "--quiet", BRANCH]);
    const event = JSON.parse(await readFile(join(sample, "event.json"), "utf8"));
    event.detail["image-tag"] = "47";
    const newer = join(repo, "..", `${repo.split("/").pop()}-event-47.json`);
    await writeFile(newer, JSON.stringify(event));
    const result = await run([
      "apply",
      "--event",
      newer,
      "--repo",
      repo,
      "--config",
      join(sample, "before/.heimdall.yaml"),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${BRANCH} is checked out`);
    expect((await runGit(repo, ["rev-parse", BRANCH])).trim()).toBe(proposed);
  });
});
