import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createEcrImageCatalog } from "../../lambda/aws/create-ecr-image-catalog.ts";
import { reconcile } from "../../lambda/core/reconcile/reconcile.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY as REGISTRY } from "../support/constants.ts";
import { createEcrHistory, type EcrHistory } from "../support/ecr-history.ts";
import { commitCount, commitFilesAt, createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const API = "apps/snutt-prod/api/deployment.yaml";
const CONFIG = `version: 1
targets:
  - repository: snutt-prod/*
    paths: ["apps/snutt-prod/**"]
    pullRequest: {}
`;
const BRANCH = "heimdall/snutt-prod/api";

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

const image = (tag: string) => `containers:\n  - image: ${REGISTRY}/snutt-prod/api:${tag}\n`;

describe("reconcile of a pullRequest target", () => {
  it("repairs a missed push through the image's pull request branch, not the checked-out branch", async () => {
    ecr.push("snutt-prod/api", "47", "2026-11-20T10:00:00Z");
    const dir = await createTempGitRepo();
    repos.push(dir);
    await commitFilesAt(
      dir,
      { ".heimdall.yaml": CONFIG, [API]: image("47") },
      "2026-11-20T10:01:00Z",
      "manifests",
    );
    ecr.push("snutt-prod/api", "48", "2026-11-20T10:05:00Z"); // its event was lost
    const local = createLocalGitOps({ dir });

    const report = await reconcile({
      gitops: local,
      history: local,
      catalog: createEcrImageCatalog(),
      registry: REGISTRY,
    });

    expect(report.outcome).toBe("repaired");
    expect(report.commit).toBeUndefined();
    expect(report.proposals).toEqual([expect.objectContaining({ branch: BRANCH, outcome: "proposed" })]);
    expect(await commitCount(dir)).toBe(2);
    expect((await runGit(dir, ["show", `${BRANCH}:${API}`])).trim()).toBe(image("48").trim());
    expect((await runGit(dir, ["log", "-1", "--format=%s", BRANCH])).trim()).toBe(
      "Automated commit by ECR reconcile (snutt-prod/api:48)",
    );
  });
});
