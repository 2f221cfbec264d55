import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../lambda/core/config/invalid-config-error.ts";
import { CommitConflictError } from "../../lambda/core/update/commit-conflict-error.ts";
import type { GitOpsRepository, ReadRequest } from "../../lambda/core/update/gitops-repository.ts";
import type { ImagePushClock, PushedAtAnswer } from "../../lambda/core/update/image-push-clock.ts";
import { updateManifests } from "../../lambda/core/update/update-manifests.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { commitCount, createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name} # keep me\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${SEOUL_REGISTRY}/${image}\n`;
}

async function gitops(files: Record<string, string>): Promise<string> {
  const dir = await createTempGitRepo();
  repos.push(dir);
  await writeFiles(dir, files);
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", "manifests"]);
  return dir;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** The local adapter, with someone else committing right before our first `n` commits. */
function racingRepo(dir: string, n: number): GitOpsRepository & { reads: ReadRequest[] } {
  const inner = createLocalGitOps({ dir });
  const reads: ReadRequest[] = [];
  let races = 0;
  return {
    reads,
    read: (request) => {
      reads.push(request);
      return inner.read(request);
    },
    async commit(request) {
      if (races++ < n) {
        await writeFile(
          join(dir, "apps/snutt-dev/other.yaml"),
          deployment(`other-${races}`, `snutt-dev/other:${races}`),
        );
        await runGit(dir, ["add", "--all"]);
        await runGit(dir, ["commit", "--quiet", "-m", `someone else ${races}`]);
      }
      return inner.commit(request);
    },
    propose: (request) => inner.propose(request),
  };
}

const fixedClock = (answers: Record<string, PushedAtAnswer>): ImagePushClock => ({
  pushedAt: async ({ imageRepository: repository, tag }) =>
    answers[`${repository}:${tag}`] ?? { kind: "unknown", reason: "ImageNotFoundException" },
});

async function expectApplied(eventTime: string, deployedPushedAt: Date): Promise<void> {
  const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:47") });
  const report = await updateManifests({
    pushes: [push("snutt-dev/app", "48", eventTime)],
    gitops: createLocalGitOps({ dir }),
    clock: fixedClock({ "snutt-dev/app:47": { kind: "known", pushedAt: deployedPushedAt } }),
  });
  expect(report.outcome).toBe("updated");
  expect(await commitCount(dir)).toBe(3);
}

describe("updateManifests", () => {
  it("re-reads and re-applies on a moved branch, keeping the other commit", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:45") });
    const repository = racingRepo(dir, 1);
    const delays: number[] = [];
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: repository,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    expect(report.outcome).toBe("updated");
    expect(report.attempts).toBe(2);
    expect(report.conflicts).toBe(1);
    // Decorrelated jitter: uniform in [100, 3 × 100) ms, here its middle.
    expect(delays).toEqual([200]);
    expect(await commitCount(dir)).toBe(4);
    expect(await runGit(dir, ["log", "--format=%s", "-3"])).toBe(
      "Automated commit by ECR push (snutt-dev/app:46)\nsomeone else 1\nmanifests\n",
    );
    expect(await readFile(join(dir, "apps/snutt-dev/other.yaml"), "utf8")).toContain("snutt-dev/other:1");
    expect(await readFile(join(dir, "apps/snutt-dev/app/deploy.yaml"), "utf8")).toBe(
      deployment("app", "snutt-dev/app:46"),
    );
  });

  it("gives up with CommitConflictError after maxAttempts, committing nothing of its own", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:45") });
    const delays: number[] = [];
    const attempt = updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: racingRepo(dir, 99),
      maxAttempts: 3,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
    });
    await expect(attempt).rejects.toBeInstanceOf(CommitConflictError);
    // Each pause up to three times the last one: 100 + 1 × (300 − 100), then 100 + 1 × (900 − 100).
    expect(delays).toEqual([300, 900]);
    expect(await runGit(dir, ["log", "--format=%s"])).not.toContain("Automated commit");
  });

  it("commits a batch of images as one commit listing every image", async () => {
    const dir = await gitops({
      "apps/snutt-dev/a/deploy.yaml": deployment("a", "snutt-dev/a:1"),
      "apps/snutt-dev/b/deploy.yaml": deployment("b", "snutt-dev/b:1"),
      "apps/snutt-prod/a/deploy.yaml": deployment("a", "snutt-prod/a:1"),
    });
    const report = await updateManifests({
      pushes: [push("snutt-dev/a", "2"), push("snutt-dev/b", "5"), push("snutt-prod/a", "3")],
      gitops: createLocalGitOps({ dir }),
    });
    expect(report.files.map((file) => file.path)).toEqual([
      "apps/snutt-dev/a/deploy.yaml",
      "apps/snutt-dev/b/deploy.yaml",
      "apps/snutt-prod/a/deploy.yaml",
    ]);
    expect(report.commit?.headline).toBe("Automated commit by ECR push (3 images)");
    expect(report.commit?.body).toContain("snutt-dev/b:5");
    expect(await commitCount(dir)).toBe(3);
  });

  it("skips an out-of-order event as stale: the deployed tag was pushed after it", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:47") });
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "46", "2026-11-20T10:00:00Z")],
      gitops: createLocalGitOps({ dir }),
      clock: fixedClock({
        "snutt-dev/app:47": { kind: "known", pushedAt: new Date("2026-11-20T10:05:00Z") },
      }),
    });
    expect(report.outcome).toBe("stale");
    expect(report.images[0]?.outcome).toBe("stale");
    expect(report.images[0]?.reason).toContain("tag 47");
    expect(await commitCount(dir)).toBe(2);
  });

  it("orders by version, not push time, under order: semver: a higher version pushed earlier still lands", async () => {
    const dir = await gitops({
      ".heimdall.yaml":
        "version: 1\ntargets:\n  - repository: snutt-dev/app\n    paths: [apps/snutt-dev/**]\n    order: semver\n",
      "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:1.3.1"),
    });
    const clock = fixedClock({
      "snutt-dev/app:1.3.1": { kind: "known", pushedAt: new Date("2026-11-20T10:05:00Z") },
    });
    const higher = await updateManifests({
      pushes: [push("snutt-dev/app", "1.4.0", "2026-11-20T10:00:00Z")],
      gitops: createLocalGitOps({ dir }),
      clock,
    });
    expect(higher.outcome).toBe("updated");
    expect(higher.warnings).toEqual([]);
    const lower = await updateManifests({
      pushes: [push("snutt-dev/app", "1.3.2", "2026-11-20T11:00:00Z")],
      gitops: createLocalGitOps({ dir }),
      clock,
    });
    expect(lower.outcome).toBe("stale");
    expect(lower.images[0]?.reason).toBe("older version 1.3.2 < 1.4.0");
    expect(await commitCount(dir)).toBe(3);
  });

  it("does not take a push in the same second as the deployed one for an older one", () =>
    expectApplied("2026-11-20T10:00:00Z", new Date("2026-11-20T10:00:00.800Z")));

  it("skips a late push that ECR saw earlier in the same second as the deployed one", async () => {
    const dir = await gitops({ "apps/snutt-dev/web/deploy.yaml": deployment("web", "snutt-dev/web:14") });
    // Both events say 00:10:00Z; ECR pushed 14 at .700 and 13 at .200.
    const report = await updateManifests({
      pushes: [push("snutt-dev/web", "13", "2026-11-20T00:10:00Z")],
      gitops: createLocalGitOps({ dir }),
      clock: fixedClock({
        "snutt-dev/web:14": { kind: "known", pushedAt: new Date("2026-11-20T00:10:00.700Z") },
        "snutt-dev/web:13": { kind: "known", pushedAt: new Date("2026-11-20T00:10:00.200Z") },
      }),
    });
    expect(report.outcome).toBe("stale");
    expect(report.images[0]?.reason).toBe(
      "tag 14 in the manifests was pushed at 2026-11-20T00:10:00.700Z, after this push (2026-11-20T00:10:00.200Z)",
    );
    expect(await commitCount(dir)).toBe(2);
  });

  it("orders a batch by ECR's own push times: of [14, 13] in one second, 14 wins", async () => {
    const dir = await gitops({ "apps/snutt-dev/web/deploy.yaml": deployment("web", "snutt-dev/web:12") });
    const web14 = push("snutt-dev/web", "14", "2026-11-20T00:10:00Z");
    const web13 = push("snutt-dev/web", "13", "2026-11-20T00:10:00Z");
    const asked: string[] = [];
    const clock: ImagePushClock = {
      async pushedAt({ tag }) {
        asked.push(tag);
        const times: Record<string, string> = {
          "12": "2026-11-20T00:09:00.000Z",
          "13": "2026-11-20T00:10:00.200Z",
          "14": "2026-11-20T00:10:00.700Z",
        };
        const time = times[tag];
        return time === undefined
          ? { kind: "unknown", reason: "gone" }
          : { kind: "known", pushedAt: new Date(time) };
      },
    };
    const report = await updateManifests({
      pushes: [web14, web13],
      gitops: createLocalGitOps({ dir }),
      clock,
    });
    expect(report.outcome).toBe("updated");
    expect(await readFile(join(dir, "apps/snutt-dev/web/deploy.yaml"), "utf8")).toBe(
      deployment("web", "snutt-dev/web:14"),
    );
    // The two pushed tags once for the order, then only the deployed one for the stale check.
    expect(asked.sort()).toEqual(["12", "13", "14"]);
  });

  it("applies a rollback: an old tag re-pushed now is newer than what is deployed", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:47") });
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "45", "2026-11-20T11:00:00Z")],
      gitops: createLocalGitOps({ dir }),
      clock: fixedClock({
        "snutt-dev/app:47": { kind: "known", pushedAt: new Date("2026-11-20T10:05:00Z") },
      }),
    });
    expect(report.outcome).toBe("updated");
    expect(await commitCount(dir)).toBe(3);
  });

  it("applies and warns when ECR cannot say when the deployed tag was pushed", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:44") });
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "46")],
      gitops: createLocalGitOps({ dir }),
      clock: fixedClock({}),
    });
    expect(report.outcome).toBe("updated");
    expect(report.warnings.map((warning) => warning.message).join("\n")).toContain(
      "could not check when snutt-dev/app:44 was pushed (ImageNotFoundException)",
    );
  });

  it("reads again when the repository's config maps outside the first read", async () => {
    const dir = await gitops({
      ".heimdall.yaml":
        'version: 1\ntargets:\n  - repository: snutt-dev/app\n    paths: ["clusters/dev/**"]\n',
      "clusters/dev/app.yaml": deployment("app", "snutt-dev/app:1"),
    });
    const repository = racingRepo(dir, 0);
    const report = await updateManifests({ pushes: [push("snutt-dev/app", "2")], gitops: repository });
    expect(report.files.map((file) => file.path)).toEqual(["clusters/dev/app.yaml"]);
    expect(repository.reads.map((read) => read.roots)).toEqual([["apps/snutt-dev"], ["clusters/dev"]]);
  });

  it("refuses an invalid config in the repository before writing anything", async () => {
    const dir = await gitops({
      ".heimdall.yaml": "version: 1\ntargets: 7\n",
      "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:1"),
    });
    const attempt = updateManifests({
      pushes: [push("snutt-dev/app", "2")],
      gitops: createLocalGitOps({ dir }),
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidConfigError);
    expect(await commitCount(dir)).toBe(2);
  });

  it("plans without committing on a dry run", async () => {
    const dir = await gitops({ "apps/snutt-dev/app/deploy.yaml": deployment("app", "snutt-dev/app:1") });
    const report = await updateManifests({
      pushes: [push("snutt-dev/app", "2")],
      gitops: createLocalGitOps({ dir }),
      dryRun: true,
    });
    expect(report.outcome).toBe("updated");
    expect(report.commit).toBeUndefined();
    expect(report.files[0]?.after).toBe(deployment("app", "snutt-dev/app:2"));
    expect(await commitCount(dir)).toBe(2);
  });
});
