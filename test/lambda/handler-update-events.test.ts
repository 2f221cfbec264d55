import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUpdateEventPublisher } from "../../lambda/aws/create-update-event-publisher.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import { toUpdateEventDetail } from "../../lambda/runtime/update-event.ts";
import { captureOutput, metricTotal } from "../support/capture-output.ts";
import { type FakeAwsJsonEndpoint, startFakeAwsJsonEndpoint } from "../support/fake-aws-json-endpoint.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";
import { createTempGitRepo, removeDir } from "../support/temp-git-repo.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const dirs: string[] = [];
let aws: FakeAwsJsonEndpoint;
beforeAll(async () => {
  aws = await startFakeAwsJsonEndpoint();
});
afterAll(async () => {
  await aws.close();
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

function handlerPublishingTo(endpoint: string, dir: string) {
  const client = new EventBridgeClient({
    region: "ap-northeast-2",
    endpoint,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return createHandler({
    resolve: async () => ({ gitops: createLocalGitOps({ dir }) }),
    logger: new Logger({ serviceName: "ecr-heimdall" }),
    metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
    events: { publisher: createUpdateEventPublisher({ client }), gitopsRepo: "wafflestudio/snutt-gitops" },
  });
}

describe("Heimdall Update events", () => {
  it("publishes one event per incoming event of the batch, whatever its outcome, in one PutEvents call", async () => {
    aws.events.length = 0;
    aws.requests.length = 0;
    const dir = await gitops();
    const handler = handlerPublishingTo(aws.url, dir);
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const other = { ...pushEvent("x", "1"), source: "aws.s3" };
    const { result } = await captureOutput(() => handler(sqsBatch([event, other, "not json"])));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(aws.requests.filter((request) => request.target === "AWSEvents.PutEvents")).toHaveLength(1);
    const head = (await runGit(dir, ["rev-parse", "HEAD"])).trim();
    const details = aws.events.map((entry) => JSON.parse(String(entry.Detail)) as Record<string, unknown>);
    expect(details.map((detail) => detail.outcome).sort()).toEqual(["ignored", "invalid", "updated"]);
    expect(details.find((detail) => detail.outcome === "updated")).toEqual({
      gitopsRepo: "wafflestudio/snutt-gitops",
      outcome: "updated",
      eventId: event.id,
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "46",
      digest: `sha256:${"ab".repeat(32)}`,
      previousTags: ["45"],
      files: [TIMETABLE],
      commitSha: head,
      pushToCommitLatencyMs: expect.any(Number),
    });
    expect(aws.events.every((entry) => entry.Source === "ecr-heimdall")).toBe(true);
    expect(aws.events.every((entry) => entry.DetailType === "Heimdall Update")).toBe(true);
  });

  it("still commits and answers SQS when the events cannot be published, and says so once", async () => {
    const dir = await gitops();
    // Nothing listens on port 9 of the loopback: every PutEvents call fails to connect.
    const handler = handlerPublishingTo("http://127.0.0.1:9", dir);
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await runGit(dir, ["log", "-1", "--format=%s"])).trim()).toBe(
      "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
    );
    const warnings = lines.filter((line) => line.message === "update events not published");
    expect(warnings).toEqual([
      expect.objectContaining({
        level: "WARN",
        failed: 1,
        reasons: [expect.stringContaining("ECONNREFUSED")],
      }),
    ]);
    expect(metricTotal(lines, "UpdateEventsNotPublished")).toBe(1);
  });
});

describe("toUpdateEventDetail", () => {
  it("keeps the summary but not SQS plumbing, and bounds files and reason", () => {
    const files = Array.from({ length: 25 }, (_, index) => `apps/a/f${index}.yaml`);
    const detail = toUpdateEventDetail(
      {
        outcome: "failed",
        eventId: "e1",
        messageId: "m1",
        attempts: 3,
        conflicts: 2,
        imageRepository: "a",
        tag: "1",
        files,
        reason: "x".repeat(2000),
        errorName: "GitHubApiError",
      },
      "o/r",
    );
    expect(detail).toEqual({
      gitopsRepo: "o/r",
      outcome: "failed",
      eventId: "e1",
      imageRepository: "a",
      tag: "1",
      files: files.slice(0, 20),
      fileCount: 25,
      reason: `${"x".repeat(999)}…`,
      errorName: "GitHubApiError",
    });
  });
});
