import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { SecretError } from "../../lambda/aws/secret-error.ts";
import type { GitOpsRepository } from "../../lambda/core/update/gitops-repository.ts";
import type { ImagePushClock } from "../../lambda/core/update/image-push-clock.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import { captureOutput, metricTotal, summaryLines } from "../support/capture-output.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";
import { commitCount, createGitRepoWith, removeDir } from "../support/temp-git-repo.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function gitops(files: Record<string, string>): Promise<string> {
  const dir = await createGitRepoWith(files);
  dirs.push(dir);
  return dir;
}

function handlerFor(
  resolve: () => Promise<{ gitops: GitOpsRepository; clock?: ImagePushClock }>,
  extra: { now?: () => number } = {},
) {
  return createHandler({
    resolve,
    logger: new Logger({ serviceName: "ecr-heimdall" }),
    metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
    update: { sleep: async () => {}, random: () => 0.5 },
    ...extra,
  });
}

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";

describe("createHandler over a real git repository", () => {
  it("applies the tag the config accepts when a rejected tag of the same image is newer in the batch", async () => {
    const dir = await gitops({
      ".heimdall.yaml":
        "version: 1\ntargets:\n  - repository: snutt-dev/*\n    paths: ['apps/snutt-dev/**']\n    tags: '^\\d+$'\n",
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    });
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    // `docker push --all-tags`: 46 and latest arrive together, latest last.
    const batch = sqsBatch([
      pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z"),
      pushEvent("snutt-dev/snutt-timetable", "latest", "2026-11-20T10:00:01Z"),
    ]);
    const { result, lines } = await captureOutput(() => handler(batch));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await readFile(join(dir, TIMETABLE), "utf8")).toBe(
      deployment("snutt-timetable", "snutt-dev/snutt-timetable:46"),
    );
    expect(summaryLines(lines).map((line) => [line.tag, line.outcome])).toEqual([
      ["46", "updated"],
      ["latest", "ignored"],
    ]);
  });

  it("commits a directly invoked push and logs one summary line with the commit", async () => {
    const dir = await gitops({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }), {
      now: () => Date.parse("2026-11-20T10:00:03Z"),
    });
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const { result, lines } = await captureOutput(() => handler(event));

    expect(await readFile(join(dir, TIMETABLE), "utf8")).toBe(
      deployment("snutt-timetable", "snutt-dev/snutt-timetable:46"),
    );
    expect((await runGit(dir, ["log", "-1", "--format=%s"])).trim()).toBe(
      "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
    );
    const head = (await runGit(dir, ["rev-parse", "HEAD"])).trim();
    const [summary, ...others] = summaryLines(lines);
    expect(others).toEqual([]);
    expect(summary).toMatchObject({
      level: "INFO",
      service: "ecr-heimdall",
      outcome: "updated",
      correlation_id: event.id,
      eventId: event.id,
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "46",
      files: [TIMETABLE],
      commitSha: head,
      attempts: 1,
      conflicts: 0,
      pushToCommitLatencyMs: 3000,
      durationMs: 0,
    });
    expect(metricTotal(lines, "Updates")).toBe(1);
    expect(metricTotal(lines, "PushToCommitLatency")).toBe(3000);
    const emf = lines.find((line) => line._aws !== undefined) as {
      _aws: { CloudWatchMetrics: { Namespace: string }[] };
    };
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe("EcrHeimdall");
    expect(result).toMatchObject({ events: [{ outcome: "updated", commitSha: head }] });
  });

  it("treats a redelivered event as no-change without an empty commit", async () => {
    const dir = await gitops({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const first = await captureOutput(() => handler(sqsBatch([event, event])));
    // SQS delivers at least once: the same event twice in one batch counts once (the later record wins a tie).
    expect(summaryLines(first.lines).map((line) => [line.messageId, line.outcome, line.reason])).toEqual([
      ["msg-0", "no-change", `duplicate of event ${String(event.id)} in the same batch`],
      ["msg-1", "updated", undefined],
    ]);
    expect(metricTotal(first.lines, "Updates")).toBe(1);
    const before = await commitCount(dir);
    const { result, lines } = await captureOutput(() => handler(sqsBatch([event])));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await commitCount(dir)).toBe(before);
    expect(summaryLines(lines).map((line) => line.outcome)).toEqual(["no-change"]);
    expect(metricTotal(lines, "NoChange")).toBe(1);
  });

  it("turns an SQS batch of 20 images into one commit, dropping a malformed record", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      files[`apps/team/app-${i}/deployment.yaml`] = deployment(`app-${i}`, `team/app-${i}:1`);
    const dir = await gitops(files);
    const before = await commitCount(dir);
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    const bodies: (Record<string, unknown> | string)[] = Array.from({ length: 20 }, (_, i) =>
      pushEvent(`team/app-${i}`, "2"),
    );
    bodies.splice(7, 0, "{not json");
    const { result, lines } = await captureOutput(() => handler(sqsBatch(bodies)));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await commitCount(dir)).toBe(before + 1);
    for (let i = 0; i < 20; i++) {
      expect(await readFile(join(dir, `apps/team/app-${i}/deployment.yaml`), "utf8")).toContain(
        `team/app-${i}:2`,
      );
    }
    const summaries = summaryLines(lines);
    expect(summaries).toHaveLength(21);
    const invalid = summaries.filter((line) => line.outcome === "invalid");
    expect(invalid).toEqual([expect.objectContaining({ level: "WARN", messageId: "msg-7" })]);
    expect(String(invalid[0]?.reason)).toContain("the event is not valid JSON");
    expect(metricTotal(lines, "Updates")).toBe(20);
    expect(metricTotal(lines, "Invalid")).toBe(1);
  });

  it("logs well-formed events it does not act on as ignored", async () => {
    const dir = await gitops({
      ".heimdall.yaml":
        "version: 1\nfallback: none\ntargets:\n  - repository: snutt-dev/*\n    paths: [apps/snutt-dev/**]\n",
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    });
    const before = await commitCount(dir);
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    const deleted = pushEvent("snutt-dev/snutt-timetable", "47");
    deleted.id = "evt-delete";
    (deleted.detail as Record<string, unknown>)["action-type"] = "DELETE";
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("other-team/api", "3"), deleted])),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await commitCount(dir)).toBe(before);
    const summaries = summaryLines(lines);
    expect(summaries.map((line) => [line.outcome, line.eventId])).toEqual([
      ["ignored", "evt-delete"],
      ["ignored", pushEvent("other-team/api", "3").id],
    ]);
    expect(String(summaries[1]?.reason)).toMatch(
      /^unmapped: no target in \.heimdall\.yaml matches repository 'other-team\/api'/,
    );
    expect(metricTotal(lines, "Ignored")).toBe(2);
  });

  it("reports paused and semver-refused pushes as outcomes, never retried, and lists what it left alone", async () => {
    const prod = "apps/snutt-prod/snutt-timetable/deployment.yaml";
    const dir = await gitops({
      ".heimdall.yaml": [
        "version: 1",
        "targets:",
        "  - repository: snutt-dev/*",
        "    paths: [apps/snutt-dev/**]",
        "    paused: true",
        "    pausedReason: incident 4711",
        "  - repository: snutt-prod/*",
        "    paths: [apps/snutt-prod/**]",
        "    order: semver",
        "",
      ].join("\n"),
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
      [prod]: deployment("snutt-timetable", "snutt-prod/snutt-timetable:1.3.0"),
    });
    const before = await commitCount(dir);
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    const { result, lines } = await captureOutput(() =>
      handler(
        sqsBatch([
          pushEvent("snutt-dev/snutt-timetable", "46"),
          pushEvent("snutt-prod/snutt-timetable", "1.2.5"),
          pushEvent("snutt-prod/snutt-timetable", "latest", "2026-11-20T10:00:01Z"),
        ]),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await commitCount(dir)).toBe(before);
    const summaries = summaryLines(lines);
    expect(summaries.map((line) => [line.outcome, line.tag, line.reason])).toEqual([
      ["paused", "46", "targets[0] is paused: incident 4711"],
      ["stale", "1.2.5", "older version 1.2.5 < 1.3.0"],
      ["ignored", "latest", expect.stringMatching(/^tag-rejected: .*'latest' is not a semantic version/)],
    ]);
    expect(summaries[1]?.skipped).toEqual([
      `${prod}: spec.template.spec.containers[0].image ${SEOUL_REGISTRY}/snutt-prod/snutt-timetable:1.3.0 (older version 1.2.5 < 1.3.0)`,
    ]);
    expect(metricTotal(lines, "Paused")).toBe(1);
    expect(metricTotal(lines, "Stale")).toBe(1);
  });

  it("skips an out-of-order push when ECR says the deployed tag is newer", async () => {
    const dir = await gitops({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47") });
    const before = await commitCount(dir);
    const clock: ImagePushClock = {
      // Answers from a fixed ECR history, not from what the test expects: 47 was pushed after 46.
      pushedAt: async ({ registry, imageRepository: repository, tag }) =>
        registry === SEOUL_REGISTRY && repository === "snutt-dev/snutt-timetable" && tag === "47"
          ? { kind: "known", pushedAt: new Date("2026-11-20T10:05:00Z") }
          : { kind: "unknown", reason: "ImageNotFoundException" },
    };
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }), clock }));
    const { lines } = await captureOutput(() =>
      handler(pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z")),
    );
    expect(await commitCount(dir)).toBe(before);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "stale",
        tag: "46",
        reason: expect.stringContaining("tag 47 in the manifests was pushed at"),
      }),
    ]);
    expect(metricTotal(lines, "Stale")).toBe(1);
  });

  it("reports a superseded push in the same batch as stale and applies the newest", async () => {
    const dir = await gitops({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });
    const handler = handlerFor(async () => ({ gitops: createLocalGitOps({ dir }) }));
    const { lines } = await captureOutput(() =>
      handler(
        sqsBatch([
          pushEvent("snutt-dev/snutt-timetable", "47", "2026-11-20T10:05:00Z"),
          pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z"),
        ]),
      ),
    );
    expect(await readFile(join(dir, TIMETABLE), "utf8")).toContain("snutt-timetable:47");
    expect(summaryLines(lines).map((line) => [line.tag, line.outcome])).toEqual([
      ["47", "updated"],
      ["46", "stale"],
    ]);
  });

  it("returns every valid record as a batch item failure when the secret cannot be read, without leaking it", async () => {
    const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANLEAKED\n-----END PRIVATE KEY-----";
    let calls = 0;
    const handler = handlerFor(async () => {
      calls++;
      throw new SecretError(
        "could not read secret 'arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:x': AccessDeniedException — grant secretsmanager:GetSecretValue on it to the function role",
        { cause: new Error(key) },
      );
    });
    const { result, lines, raw } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46"), "[]", pushEvent("team/app", "2")])),
    );
    expect((result as SQSBatchResponse).batchItemFailures).toEqual([
      { itemIdentifier: "msg-0" },
      { itemIdentifier: "msg-2" },
    ]);
    const failed = summaryLines(lines).filter((line) => line.outcome === "failed");
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({
      level: "ERROR",
      reason: expect.stringContaining("grant secretsmanager:GetSecretValue"),
    });
    expect(metricTotal(lines, "Failures")).toBe(2);
    expect(raw).not.toContain("MIIEvQIBADANLEAKED");
    expect(calls).toBe(1);
  });

  it("throws for a direct invocation that failed, so EventBridge retries it", async () => {
    const handler = handlerFor(async () => {
      throw new TypeError("fetch failed for token ghs_16C7e42F292c6912E7710c838347Ae178B4a");
    });
    const { result } = await captureOutput(() =>
      handler(pushEvent("snutt-dev/snutt-timetable", "46")).then(
        () => "resolved",
        (error: unknown) => error,
      ),
    );
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe(
      "ECR push not processed, retry the event: TypeError: fetch failed for token [REDACTED]",
    );
  });

  it("does not throw for a malformed direct invocation: retrying cannot fix it", async () => {
    const handler = handlerFor(async () => {
      throw new Error("must not be called");
    });
    const { result, lines } = await captureOutput(() => handler({ source: "aws.ecr" }));
    expect(result).toMatchObject({ events: [{ outcome: "invalid" }] });
    expect(summaryLines(lines)).toEqual([expect.objectContaining({ outcome: "invalid", level: "WARN" })]);
  });
});
