import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createEcrImageCatalog } from "../../lambda/aws/create-ecr-image-catalog.ts";
import { reconcile } from "../../lambda/core/reconcile/reconcile.ts";
import type { GitOpsRepository } from "../../lambda/core/update/gitops-repository.ts";
import { updateManifests } from "../../lambda/core/update/update-manifests.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY as REGISTRY } from "../support/constants.ts";
import { createEcrHistory, type EcrHistory } from "../support/ecr-history.ts";
import { ecrPush } from "../support/ecr-push.ts";
import { commitCount, commitFilesAt, createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const OTHER_ACCOUNT = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const API = "apps/snutt-dev/api/deployment.yaml";
const WORKER = "apps/snutt-dev/worker/deployment.yaml";
const PERSON = "Jane Operator <jane@example.invalid>";

const ecrMock = mockClient(ECRClient);
let ecr: EcrHistory;
beforeEach(() => {
  ecr = createEcrHistory();
  ecrMock.reset();
  ecrMock.on(DescribeImagesCommand).callsFake((input) => ecr.describeImages(input));
});
const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

function deployment(name: string, image: string, registry = REGISTRY): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name} # keep me\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${registry}/${image}\n`;
}

async function gitops(files: Record<string, string>, at: string): Promise<string> {
  const dir = await createTempGitRepo();
  repos.push(dir);
  await commitFilesAt(dir, files, at, "manifests");
  return dir;
}

function run(dir: string, options: { dryRun?: boolean; gitops?: GitOpsRepository } = {}) {
  const local = createLocalGitOps({ dir });
  return reconcile({
    gitops: options.gitops ?? local,
    history: local,
    catalog: createEcrImageCatalog(),
    registry: REGISTRY,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
  });
}

const read = (dir: string, path: string) => readFile(join(dir, path), "utf8");
const log = async (dir: string) => (await runGit(dir, ["log", "--format=%B", "-1"])).trim();

describe("reconcile", () => {
  it("repairs a missed push exactly as its event would have, in one commit that says why", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:47") }, "2026-11-20T10:01:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z"); // its event was lost

    const report = await run(dir);

    expect(report.outcome).toBe("repaired");
    expect(report.items).toEqual([
      expect.objectContaining({
        outcome: "repaired",
        imageRepository: "snutt-dev/api",
        file: API,
        deployedTag: "47",
        newestTag: "48",
        reason: expect.stringMatching(
          /^48 was pushed at 2026-11-20T10:05:00\.000Z, after 47 \(pushed 2026-11-20T10:00:00\.000Z\) and after the reference changed at 2026-11-20T10:01:00\.000Z \(commit [0-9a-f]{7}\)$/,
        ),
      }),
    ]);
    expect(await commitCount(dir)).toBe(3);
    expect(await log(dir)).toMatch(
      /^Automated commit by ECR reconcile \(snutt-dev\/api:48\)\n\nsnutt-dev\/api:48: 48 was pushed at .*\n\napps\/snutt-dev\/api\/deployment\.yaml: spec\.template\.spec\.containers\[0\]\.image 47 → 48\n\nImage-Digest: sha256:[0-9a-f]{64}$/,
    );

    // The same edit the push event makes, byte for byte.
    const twin = await gitops({ [API]: deployment("api", "snutt-dev/api:47") }, "2026-11-20T10:01:00Z");
    await updateManifests({
      pushes: [
        {
          ...ecrPush("snutt-dev/api", "48", "2026-11-20T10:05:00Z"),
          digest: report.repairs[0]?.push.digest ?? "",
        },
      ],
      gitops: createLocalGitOps({ dir: twin }),
    });
    expect(await read(dir, API)).toBe(await read(twin, API));
  });

  it("makes no commit when nothing drifted", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:48") }, "2026-11-20T10:06:00Z");
    const report = await run(dir);
    expect(report).toMatchObject({ outcome: "no-change", items: [], current: 1, warnings: [] });
    expect(report.commit).toBeUndefined();
    expect(await commitCount(dir)).toBe(2);
  });

  it("leaves a rollback committed after the newest push", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:48") }, "2026-11-20T10:06:00Z");
    await commitFilesAt(
      dir,
      { [API]: deployment("api", "snutt-dev/api:47") },
      "2026-11-20T10:30:00Z",
      "Roll back api",
      PERSON,
    );

    const report = await run(dir);

    expect(report.outcome).toBe("no-change");
    expect(report.items).toEqual([
      expect.objectContaining({
        outcome: "left",
        deployedTag: "47",
        newestTag: "48",
        reason: expect.stringMatching(
          /^the reference changed at 2026-11-20T10:30:00\.000Z \(commit [0-9a-f]{7}\), after 48 was pushed at 2026-11-20T10:05:00\.000Z: a rollback or pin is a decision, not drift$/,
        ),
      }),
    ]);
    expect(await commitCount(dir)).toBe(3);
    expect(await read(dir, API)).toBe(deployment("api", "snutt-dev/api:47"));
  });

  it("leaves a person's pin to an older tag, and still repairs another image in the same file", async () => {
    for (const [tag, at] of [
      ["45", "10:00"],
      ["46", "10:10"],
      ["47", "10:20"],
    ]) {
      ecr.push("snutt-dev/api", tag ?? "", `2026-11-20T${at}:00Z`);
    }
    ecr.push("snutt-dev/worker", "3", "2026-11-20T10:00:00Z");
    const both = (api: string) =>
      `${deployment("api", `snutt-dev/api:${api}`)}---\n${deployment("worker", "snutt-dev/worker:3")}`;
    const dir = await gitops({ [API]: both("47") }, "2026-11-20T10:21:00Z");
    await commitFilesAt(dir, { [API]: both("45") }, "2026-11-20T11:00:00Z", "Pin api to 45", PERSON);
    ecr.push("snutt-dev/worker", "4", "2026-11-20T11:30:00Z"); // lost; the worker's line last changed at 10:21

    const report = await run(dir);

    expect(report.items.map((item) => [item.imageRepository, item.outcome])).toEqual([
      ["snutt-dev/api", "left"],
      ["snutt-dev/worker", "repaired"],
    ]);
    expect(await read(dir, API)).toBe(
      `${deployment("api", "snutt-dev/api:45")}---\n${deployment("worker", "snutt-dev/worker:4")}`,
    );
  });

  it("never chooses a tag the target's tags filter refuses", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    ecr.push("snutt-dev/api", "nightly", "2026-11-20T10:10:00Z");
    const config =
      "version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: ['apps/snutt-dev/**']\n    tags: '^\\d+$'\n";
    const dir = await gitops(
      { ".heimdall.yaml": config, [API]: deployment("api", "snutt-dev/api:47") },
      "2026-11-20T10:01:00Z",
    );

    const report = await run(dir);

    expect(report.items).toEqual([expect.objectContaining({ outcome: "repaired", newestTag: "48" })]);
    expect(await read(dir, API)).toBe(deployment("api", "snutt-dev/api:48"));
  });

  it("respects a paused target: nothing under it changes", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const config =
      "version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: ['apps/snutt-dev/**']\n    paused: true\n";
    const dir = await gitops(
      { ".heimdall.yaml": config, [API]: deployment("api", "snutt-dev/api:47") },
      "2026-11-20T10:01:00Z",
    );
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    const report = await run(dir);
    expect(report.outcome).toBe("no-change");
    expect(await commitCount(dir)).toBe(2);
    expect(await read(dir, API)).toBe(deployment("api", "snutt-dev/api:47"));
  });

  it("under order: semver repairs to the highest version, not to a later hotfix of an older line", async () => {
    ecr.push("snutt-dev/api", "1.2.5", "2026-11-20T09:00:00Z");
    const config =
      "version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: ['apps/snutt-dev/**']\n    order: semver\n";
    const dir = await gitops(
      { ".heimdall.yaml": config, [API]: deployment("api", "snutt-dev/api:1.2.5") },
      "2026-11-20T09:01:00Z",
    );
    ecr.push("snutt-dev/api", "1.3.0", "2026-11-20T10:00:00Z");
    ecr.push("snutt-dev/api", "1.2.6", "2026-11-20T10:05:00Z");
    const report = await run(dir);
    expect(report.items).toEqual([
      expect.objectContaining({ outcome: "repaired", deployedTag: "1.2.5", newestTag: "1.3.0" }),
    ]);
    expect(await read(dir, API)).toBe(deployment("api", "snutt-dev/api:1.3.0"));
  });

  it("leaves and warns when the newest image carries several accepted tags, none the manifest's", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const digest = ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    ecr.push("snutt-dev/api", "latest", "2026-11-20T10:05:00Z", { digest });
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:47") }, "2026-11-20T10:01:00Z");

    const report = await run(dir);

    expect(report.outcome).toBe("no-change");
    expect(report.items).toEqual([
      expect.objectContaining({
        outcome: "left",
        reason: "several tags on the newest image: 48, latest — narrow tags",
      }),
    ]);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        code: "several-tags",
        file: API,
        message: expect.stringContaining("48, latest"),
      }),
    ]);
    expect(await commitCount(dir)).toBe(2);
  });

  it("leaves another account's references with a warning when ECR refuses, and repairs the rest", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    ecr.push("snutt-dev/worker", "1", "2026-11-20T10:00:00Z", { account: "111122223333" });
    const config = `version: 1\nregistries: [${OTHER_ACCOUNT}]\n`;
    const dir = await gitops(
      {
        ".heimdall.yaml": config,
        [API]: deployment("api", "snutt-dev/api:47"),
        [WORKER]: deployment("worker", "snutt-dev/worker:1", OTHER_ACCOUNT),
      },
      "2026-11-20T10:01:00Z",
    );
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    ecr.push("snutt-dev/worker", "2", "2026-11-20T10:05:00Z", { account: "111122223333" });
    ecr.deny("111122223333");

    const report = await run(dir);

    expect(report.warnings).toEqual([
      {
        code: "ecr-unanswered",
        file: WORKER,
        message: `left snutt-dev/worker in ${WORKER}: ECR could not list ${OTHER_ACCOUNT}/snutt-dev/worker: DescribeImages failed: AccessDeniedException (the caller lacks ecr:DescribeImages on the repository)`,
      },
    ]);
    expect(report.items.map((item) => [item.imageRepository, item.outcome])).toEqual([
      ["snutt-dev/api", "repaired"],
      ["snutt-dev/worker", "left"],
    ]);
    expect(await read(dir, WORKER)).toBe(deployment("worker", "snutt-dev/worker:1", OTHER_ACCOUNT));
    expect(await log(dir)).toMatch(/^Automated commit by ECR reconcile \(snutt-dev\/api:48\)/);
  });

  it("asks ECR once per referenced repository, and only for mapped references", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const dir = await gitops(
      {
        [API]: deployment("api", "snutt-dev/api:47"),
        "apps/snutt-dev/api/cronjob.yaml": deployment("cron", "snutt-dev/api:47"),
        // Under snutt-dev/, the convention does not map snutt-prod/ images: not heimdall's to judge.
        "apps/snutt-dev/api/mirror.yaml": deployment("mirror", "snutt-prod/api:1"),
      },
      "2026-11-20T10:01:00Z",
    );
    const report = await run(dir);
    expect(report).toMatchObject({ outcome: "no-change", current: 2 });
    expect(ecr.calls).toEqual([
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/api",
        filter: { tagStatus: "TAGGED" },
        maxResults: 1000,
      },
    ]);
  });

  it("plans without writing on a dry run", async () => {
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:47") }, "2026-11-20T10:01:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    const report = await run(dir, { dryRun: true });
    expect(report.outcome).toBe("repaired");
    expect(report.files).toEqual([
      {
        path: API,
        before: deployment("api", "snutt-dev/api:47"),
        after: deployment("api", "snutt-dev/api:48"),
      },
    ]);
    expect(await commitCount(dir)).toBe(2);
  });

  it.each([
    [
      "another line",
      deployment("api", "snutt-dev/api:47").replace("# keep me", "# hold"),
      "repaired",
      "snutt-dev/api:48",
    ],
    ["the image line", deployment("api", "snutt-dev/api:46"), "no-change", "snutt-dev/api:46"],
  ])("judges again when a person changes %s before its commit", async (_, edit, outcome, image) => {
    ecr.push("snutt-dev/api", "46", "2026-11-20T09:00:00Z");
    ecr.push("snutt-dev/api", "47", "2026-11-20T10:00:00Z");
    const dir = await gitops({ [API]: deployment("api", "snutt-dev/api:47") }, "2026-11-20T10:01:00Z");
    ecr.push("snutt-dev/api", "48", "2026-11-20T10:05:00Z");
    const local = createLocalGitOps({ dir });
    let raced = false;
    const racing: GitOpsRepository = {
      read: (request) => local.read(request),
      async commit(request) {
        if (!raced) {
          raced = true;
          await commitFilesAt(dir, { [API]: edit }, "2026-11-20T10:40:00Z", "By hand", PERSON);
        }
        return local.commit(request);
      },
      propose: (request) => local.propose(request),
    };
    const report = await run(dir, { gitops: racing });
    expect(report).toMatchObject({ attempts: 2, outcome });
    expect(await read(dir, API)).toContain(image);
  });
});
