import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureOutput, metricTotal, summaryLines } from "../support/capture-output.ts";
import { createEcrHistory, type EcrHistory } from "../support/ecr-history.ts";
import {
  closeEmulators,
  ecr,
  resetAws,
  startGitHubScenario as scenario,
} from "../support/github-scenario.ts";
import {
  deployment,
  LAMBDA_CONTEXT,
  pushEvent,
  reconcileRequest,
  sqsBatch,
} from "../support/lambda-events.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const IMAGE = "snutt-dev/snutt-timetable";
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

let history: EcrHistory;
beforeEach(() => {
  resetAws();
  history = createEcrHistory();
  ecr.on(DescribeImagesCommand).callsFake((input) => history.describeImages(input));
});
afterEach(closeEmulators);

/** A GitOps repository whose timetable manifest says `tag`, committed by a person `minutes` ago. */
async function deployedAt(tag: string, minutes: number) {
  const started = await scenario({ "README.md": "gitops\n" });
  await started.gh.pushCommit(
    { [TIMETABLE]: deployment("snutt-timetable", `${IMAGE}:${tag}`) },
    "Deploy",
    undefined,
    minutesAgo(minutes),
  );
  return { ...started, initial: await started.gh.commits() };
}

describe("handler: reconcile requests", () => {
  it("repairs a missed push in one reconcile commit and says so at warn, with Repaired and ReconcileDuration", async () => {
    history.push(IMAGE, "45", minutesAgo(180).toISOString());
    const { gh, handler, initial } = await deployedAt("45", 120);
    history.push(IMAGE, "46", minutesAgo(60).toISOString()); // its event went to the dead-letter queue

    const before = gh.requests.length;
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([reconcileRequest()]), LAMBDA_CONTEXT),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await gh.readFile(TIMETABLE)).toBe(deployment("snutt-timetable", `${IMAGE}:46`));
    const commits = await gh.commits();
    expect(commits.length - initial.length).toBe(1);
    expect(commits[0]?.headline).toBe(`Automated commit by ECR reconcile (${IMAGE}:46)`);
    expect(commits[0]?.verified).toBe(true);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        level: "WARN",
        outcome: "repaired",
        messageId: "msg-0",
        imageRepository: IMAGE,
        tag: "46",
        previousTags: ["45"],
        files: [TIMETABLE],
        commitSha: commits[0]?.oid,
        reason: expect.stringContaining("46 was pushed at"),
      }),
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({ message: "reconcile done", repaired: 1, left: 0 }),
    );
    expect(metricTotal(lines, "Repaired")).toBe(1);
    expect(lines.some((line) => line._aws !== undefined && typeof line.ReconcileDuration === "number")).toBe(
      true,
    );
    // One read, one blame, one commit (plus the App's token).
    const graphql = gh.requests.slice(before).filter((request) => request.operation.startsWith("graphql"));
    expect(graphql).toHaveLength(3);
    expect(history.calls.filter((call) => call.filter?.tagStatus === "TAGGED")).toHaveLength(1);
  });

  it("leaves a rollback a person committed after the newest push, and makes no commit", async () => {
    history.push(IMAGE, "45", minutesAgo(180).toISOString());
    history.push(IMAGE, "46", minutesAgo(60).toISOString());
    const { gh, handler, initial } = await deployedAt("45", 10);

    const { lines } = await captureOutput(() => handler(reconcileRequest(), LAMBDA_CONTEXT));

    expect((await gh.commits()).length).toBe(initial.length);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ level: "INFO", outcome: "left", tag: "46", previousTags: ["45"] }),
    ]);
    expect(metricTotal(lines, "Repaired")).toBe(0);
  });

  it.each([
    ["first", (request: object, push: object) => [request, push]],
    ["last", (request: object, push: object) => [push, request]],
  ])("lets a push event in the same batch win, wherever the request is (%s)", async (_, order) => {
    history.push(IMAGE, "45", minutesAgo(180).toISOString());
    const { gh, handler, initial } = await deployedAt("45", 120);
    history.push(IMAGE, "46", minutesAgo(60).toISOString()); // lost
    // 47 is pushed in the same minute; ECR's listing may not show it yet, its event is in the batch.
    const push = pushEvent(IMAGE, "47", new Date(Math.floor(Date.now() / 1000) * 1000).toISOString());

    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch(order(reconcileRequest(), push) as Record<string, unknown>[]), LAMBDA_CONTEXT),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await gh.readFile(TIMETABLE)).toBe(deployment("snutt-timetable", `${IMAGE}:47`));
    expect((await gh.commits()).length - initial.length).toBe(1);
    expect(summaryLines(lines).map((line) => [line.outcome, line.tag])).toEqual(
      expect.arrayContaining([
        ["updated", "47"],
        ["left", "46"],
      ]),
    );
  });

  it("answers a direct invocation with the summaries, and refuses a heimdall request it does not know", async () => {
    history.push(IMAGE, "45", minutesAgo(180).toISOString());
    const { handler } = await deployedAt("45", 120);
    const { result } = await captureOutput(() => handler(reconcileRequest({ id: "run-1" }), LAMBDA_CONTEXT));
    expect(result).toEqual({
      events: [
        expect.objectContaining({
          outcome: "no-change",
          eventId: "run-1",
          reason: "reconcile: 1 images current, none missed",
        }),
      ],
    });
    const { result: refused } = await captureOutput(() =>
      handler(reconcileRequest({ "detail-type": "Heimdall Explode" }), LAMBDA_CONTEXT),
    );
    expect(refused).toEqual({ events: [expect.objectContaining({ outcome: "invalid" })] });
  });

  it("fails the request (for SQS to retry) when it cannot tell its own registry", async () => {
    const { handler } = await deployedAt("45", 120);
    const { result, lines } = await captureOutput(() => handler(sqsBatch([reconcileRequest()])));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-0" }] });
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: expect.stringContaining("context.invokedFunctionArn"),
      }),
    ]);
  });
});
