import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterAll, describe, expect, it } from "vitest";
import type { GitOpsRepository, ReadRequest } from "../../lambda/core/update/gitops-repository.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { createHandler, DEADLINE_SAFETY_MARGIN_MS } from "../../lambda/runtime/create-handler.ts";
import { captureOutput, summaryLines } from "../support/capture-output.ts";
import { lambdaContext } from "../support/github-scenario.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";
import { createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function gitops(): Promise<string> {
  const dir = await createTempGitRepo();
  dirs.push(dir);
  await mkdir(join(dir, TIMETABLE, ".."), { recursive: true });
  await writeFile(join(dir, TIMETABLE), deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"));
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", "manifests"]);
  return dir;
}

function handlerFor(gitopsPort: GitOpsRepository, safetyMarginMs?: number) {
  return createHandler({
    resolve: async () => ({ gitops: gitopsPort }),
    logger: new Logger({ serviceName: "ecr-heimdall" }),
    metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
    ...(safetyMarginMs === undefined ? {} : { safetyMarginMs }),
  });
}

describe("createHandler: the invocation's deadline", () => {
  it("hands the update a deadline of the remaining time minus the safety margin", async () => {
    const inner = createLocalGitOps({ dir: await gitops() });
    const reads: ReadRequest[] = [];
    const handler = handlerFor({
      read: (request) => {
        reads.push(request);
        return inner.read(request);
      },
      commit: (request) => inner.commit(request),
      propose: (request) => inner.propose(request),
    });
    const before = Date.now();
    await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")]), lambdaContext(60_000)),
    );
    const deadline = reads[0]?.deadline ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(before + 60_000 - DEADLINE_SAFETY_MARGIN_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 60_000 - DEADLINE_SAFETY_MARGIN_MS);
  });

  it("gives the records back before Lambda would kill it when the update does not return", async () => {
    const stuck: GitOpsRepository = {
      read: () => new Promise(() => {}),
      commit: () => new Promise(() => {}),
      propose: () => new Promise(() => {}),
    };
    const handler = handlerFor(stuck, 400);
    const batch = sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46"), pushEvent("snutt-dev/other", "3")]);
    const { result, lines } = await captureOutput(() => handler(batch, lambdaContext(800)));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-0" }, { itemIdentifier: "msg-1" }] });
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ outcome: "failed", errorName: "DeadlineExceededError" }),
      expect.objectContaining({ outcome: "failed", errorName: "DeadlineExceededError" }),
    ]);
  });
});
