import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ImagePushClock } from "../../lambda/core/update/image-push-clock.ts";
import { updateManifests } from "../../lambda/core/update/update-manifests.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { commitCount, createTempGitRepo, isClean, removeDir } from "../support/temp-git-repo.ts";

const CONFIG = `version: 1
targets:
  - repository: snutt-dev/*
    paths: ["apps/snutt-dev/**"]
  - repository: snutt-prod/*
    paths: ["apps/snutt-prod/**"]
    pullRequest: { labels: [deploy] }
`;
const DEV = "apps/snutt-dev/snutt-timetable/deploy.yaml";
const PROD = "apps/snutt-prod/snutt-timetable/deploy.yaml";
const BRANCH = "refs/heads/heimdall/snutt-prod/snutt-timetable";
const image = (repository: string, tag: string) => `image: ${SEOUL_REGISTRY}/${repository}:${tag} # keep\n`;

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

async function gitops(): Promise<string> {
  const dir = await createTempGitRepo();
  repos.push(dir);
  const files = {
    ".heimdall.yaml": CONFIG,
    [DEV]: image("snutt-dev/snutt-timetable", "45"),
    [PROD]: image("snutt-prod/snutt-timetable", "45"),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", "manifests"]);
  return dir;
}

const git = async (dir: string, ...args: string[]) => (await runGit(dir, args)).trim();
const show = (dir: string, ref: string, path: string) => git(dir, "show", `${ref}:${path}`);

describe("updateManifests with pullRequest targets (local branch)", () => {
  it("proposes on heimdall/<image> as one commit on HEAD, leaving the checked-out branch and tree alone", async () => {
    const dir = await gitops();
    const head = await git(dir, "rev-parse", "HEAD");
    const report = await updateManifests({
      pushes: [push("snutt-prod/snutt-timetable", "46")],
      gitops: createLocalGitOps({ dir }),
    });
    expect(report.outcome).toBe("proposed");
    expect(report.commit).toBeUndefined();
    const [prod] = report.images;
    expect(prod?.outcome).toBe("proposed");
    expect(prod?.proposal?.branch).toBe("heimdall/snutt-prod/snutt-timetable");
    expect(prod?.proposal?.commit?.oid).toBe(await git(dir, "rev-parse", BRANCH));
    expect(await git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(await git(dir, "symbolic-ref", "HEAD")).toBe("refs/heads/main");
    expect(await isClean(dir)).toBe(true);
    expect(await readFile(join(dir, PROD), "utf8")).toBe(image("snutt-prod/snutt-timetable", "45"));
    expect(await git(dir, "rev-parse", `${BRANCH}^`)).toBe(head);
    expect(await show(dir, BRANCH, PROD)).toBe(image("snutt-prod/snutt-timetable", "46").trimEnd());
    expect(await git(dir, "log", "-1", "--format=%s", BRANCH)).toBe(
      "Automated commit by ECR push (snutt-prod/snutt-timetable:46)",
    );
  });

  it("commits dev directly and proposes prod on top of that commit, in one batch", async () => {
    const dir = await gitops();
    const report = await updateManifests({
      pushes: [push("snutt-dev/snutt-timetable", "46"), push("snutt-prod/snutt-timetable", "46")],
      gitops: createLocalGitOps({ dir }),
    });
    expect(report.outcome).toBe("updated");
    expect(report.images.map((i) => i.outcome)).toEqual(["updated", "proposed"]);
    expect(await commitCount(dir)).toBe(3);
    const head = await git(dir, "rev-parse", "HEAD");
    expect(report.commit?.oid).toBe(head);
    expect(await git(dir, "rev-parse", `${BRANCH}^`)).toBe(head);
    // The branch differs from the base only in its own file.
    expect(await git(dir, "diff", "--name-only", "HEAD", BRANCH)).toBe(PROD);
    expect(await readFile(join(dir, DEV), "utf8")).toBe(image("snutt-dev/snutt-timetable", "46"));
  });

  it("makes no write for a duplicate, rebuilds for a newer push, and blocks on someone's commit", async () => {
    const dir = await gitops();
    const apply = (tag: string, clock?: ImagePushClock) =>
      updateManifests({
        pushes: [push("snutt-prod/snutt-timetable", tag)],
        gitops: createLocalGitOps({ dir }),
        ...(clock === undefined ? {} : { clock }),
      });
    await apply("46");
    const first = await git(dir, "rev-parse", BRANCH);

    const duplicate = await apply("46");
    expect(duplicate.outcome).toBe("no-change");
    expect(duplicate.images[0]?.reason).toBe(
      "already proposed on branch heimdall/snutt-prod/snutt-timetable",
    );
    expect(await git(dir, "rev-parse", BRANCH)).toBe(first);

    const newer = await apply("47");
    expect(newer.outcome).toBe("proposed");
    const second = await git(dir, "rev-parse", BRANCH);
    expect(await git(dir, "rev-parse", `${second}^`)).toBe(await git(dir, "rev-parse", "HEAD"));
    expect(await show(dir, BRANCH, PROD)).toContain(":47 # keep");

    // An older push never replaces the newer proposal.
    const clock: ImagePushClock = {
      pushedAt: async ({ tag }) =>
        tag === "47"
          ? { kind: "known", pushedAt: new Date("2026-11-20T10:05:00Z") }
          : { kind: "unknown", reason: "n/a" },
    };
    const older = await apply("46", clock);
    expect(older.images[0]).toMatchObject({
      outcome: "stale",
      reason: expect.stringContaining("proposed on heimdall/"),
    });
    expect(await git(dir, "rev-parse", BRANCH)).toBe(second);

    await runGit(dir, ["checkout", "--quiet", "heimdall/snutt-prod/snutt-timetable"]);
    await writeFile(join(dir, PROD), image("snutt-prod/snutt-timetable", "47-hotfix"));
    await runGit(dir, ["commit", "--quiet", "-am", "hotfix on the proposal"]);
    await runGit(dir, ["checkout", "--quiet", "main"]);
    const human = await git(dir, "rev-parse", BRANCH);
    const blocked = await apply("48");
    expect(blocked.outcome).toBe("blocked");
    expect(blocked.images[0]?.reason).toContain("which heimdall did not make");
    expect(await git(dir, "rev-parse", BRANCH)).toBe(human);
  });

  it("decides on a dry run and writes nothing", async () => {
    const dir = await gitops();
    const report = await updateManifests({
      pushes: [push("snutt-prod/snutt-timetable", "46")],
      gitops: createLocalGitOps({ dir }),
      dryRun: true,
    });
    expect(report.outcome).toBe("proposed");
    expect(report.images[0]?.proposal?.files.map((file) => file.path)).toEqual([PROD]);
    await expect(git(dir, "rev-parse", "--verify", "--quiet", BRANCH)).rejects.toThrow();
  });
});
