import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as resolveTargetsModule from "../../lambda/core/config/resolve-targets.ts";
import { CommitConflictError } from "../../lambda/core/update/commit-conflict-error.ts";
import { DeadlineExceededError } from "../../lambda/core/update/deadline-exceeded-error.ts";
import type { GitOpsRepository, ReadRequest } from "../../lambda/core/update/gitops-repository.ts";
import type { ImagePushClock } from "../../lambda/core/update/image-push-clock.ts";
import { updateManifests } from "../../lambda/core/update/update-manifests.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { createGitRepoWith, removeDir } from "../support/temp-git-repo.ts";

// Counts the real resolveTargets calls (the function itself still runs).
vi.mock("../../lambda/core/config/resolve-targets.ts", async (importOriginal) => {
  const original = await importOriginal<typeof resolveTargetsModule>();
  return { ...original, resolveTargets: vi.fn(original.resolveTargets) };
});

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${SEOUL_REGISTRY}/${image}\n`;

async function gitops(files: Record<string, string>): Promise<string> {
  const dir = await createGitRepoWith(files);
  repos.push(dir);
  return dir;
}

/**
 * Virtual time: every read and commit of the local adapter costs `roundTripMs`, every pause its length.
 * Someone else commits right before each of our first `races` commits.
 */
function timedRacingRepo(dir: string, races: number, roundTripMs = 200) {
  const inner = createLocalGitOps({ dir });
  const time = { now: 1_000_000 };
  const reads: ReadRequest[] = [];
  const commitDeadlines: (number | undefined)[] = [];
  let raced = 0;
  const gitops: GitOpsRepository = {
    async read(request) {
      reads.push(request);
      time.now += roundTripMs;
      return inner.read(request);
    },
    async commit(request) {
      commitDeadlines.push(request.deadline);
      time.now += roundTripMs;
      if (raced++ < races) {
        await writeFile(join(dir, "other.yaml"), `n: ${raced}\n`);
        await runGit(dir, ["add", "--all"]);
        await runGit(dir, ["commit", "--quiet", "-m", `someone else ${raced}`]);
      }
      return inner.commit(request);
    },
    propose: (request) => inner.propose(request),
  };
  const sleep = async (ms: number) => {
    time.now += ms;
  };
  return { gitops, time, reads, commitDeadlines, sleep, now: () => time.now };
}

describe("updateManifests: rounds bounded by the deadline", () => {
  it("keeps going past five lost rounds while the deadline leaves time, then lands", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("snutt-dev/app:45") });
    const repo = timedRacingRepo(dir, 8);
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: repo.gitops,
      deadline: repo.time.now + 55_000,
      now: repo.now,
      sleep: repo.sleep,
      random: () => 0.5,
    });
    expect(report.outcome).toBe("updated");
    expect(report.attempts).toBe(9);
    expect(report.conflicts).toBe(8);
    expect(await runGit(dir, ["log", "-1", "--format=%s"])).toBe(
      "Automated commit by ECR push (snutt-dev/app:46)\n",
    );
  });

  it("starts no round it cannot finish before the deadline, and says the branch kept moving", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("snutt-dev/app:45") });
    const repo = timedRacingRepo(dir, 1_000);
    const deadline = repo.time.now + 10_000;
    const attempt = updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: repo.gitops,
      deadline,
      now: repo.now,
      sleep: repo.sleep,
      random: () => 0.99,
    });
    await expect(attempt).rejects.toThrow(
      /the branch moved under every one of \d+ commit attempts and the invocation has no time left for another/,
    );
    await expect(attempt).rejects.toBeInstanceOf(CommitConflictError);
    expect(repo.time.now).toBeLessThanOrEqual(deadline);
    expect(repo.reads.length).toBeGreaterThan(3);
    expect(repo.commitDeadlines.every((value) => value === deadline)).toBe(true);
    expect(repo.reads.every((read) => read.deadline === deadline)).toBe(true);
    expect(await runGit(dir, ["log", "--format=%s"])).not.toContain("Automated commit");
  });

  it("reads nothing when the deadline has already passed", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("snutt-dev/app:45") });
    const repo = timedRacingRepo(dir, 0);
    const attempt = updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: repo.gitops,
      deadline: repo.time.now,
      now: repo.now,
    });
    await expect(attempt).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(repo.reads).toEqual([]);
  });

  it("hands the deadline to the push clock", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("snutt-dev/app:45") });
    const repo = timedRacingRepo(dir, 0);
    const asked: (number | undefined)[] = [];
    const clock: ImagePushClock = {
      async pushedAt(_image, options) {
        asked.push(options?.deadline);
        return { kind: "unknown", reason: "ImageNotFoundException" };
      },
    };
    const deadline = repo.time.now + 30_000;
    await updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: repo.gitops,
      clock,
      deadline,
      now: repo.now,
    });
    // The pushed tag's own time and the deployed tag's, both by the deadline.
    expect(asked).toEqual([deadline, deadline]);
  });

  it("refuses a deadline without the clock it is measured on", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("snutt-dev/app:45") });
    await expect(
      updateManifests({
        pushes: [push("snutt-dev/app", "46")],
        gitops: createLocalGitOps({ dir }),
        deadline: 1,
      }),
    ).rejects.toThrow(/needs the clock/);
  });
});

describe("updateManifests: one resolution and one read per round", () => {
  it("resolves each push's targets once per config, and re-reads only what the last config needs", async () => {
    const dir = await gitops({
      ".heimdall.yaml":
        'version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: ["clusters/dev/**"]\n    tags: "^\\\\d+$"\n',
      "clusters/dev/app.yaml": deployment("snutt-dev/app:1"),
      "clusters/dev/web.yaml": deployment("snutt-dev/web:1"),
    });
    const repo = timedRacingRepo(dir, 2);
    const resolveTargets = vi.mocked(resolveTargetsModule.resolveTargets);
    resolveTargets.mockClear();
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "2"), push("snutt-dev/web", "7")],
      gitops: repo.gitops,
      clock: { pushedAt: async () => ({ kind: "unknown", reason: "ImageNotFoundException" }) },
      sleep: repo.sleep,
    });
    expect(report.outcome).toBe("updated");
    expect(report.attempts).toBe(3);
    // Round 1: two pushes under the default guess, then under the file's config; rounds 2 and 3 reuse it.
    expect(resolveTargets).toHaveBeenCalledTimes(4);
    expect(repo.reads.map((read) => read.roots)).toEqual([
      ["apps/snutt-dev"],
      ["clusters/dev"],
      ["clusters/dev"],
      ["clusters/dev"],
    ]);
  });
});
