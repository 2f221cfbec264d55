import { GetSecretValueCommand, ResourceNotFoundException } from "@aws-sdk/client-secrets-manager";
import type { SQSBatchResponse } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APP_KEYS, KEY_MARKER } from "../support/app-keys.ts";
import { captureOutput, metricTotal, summaryLines } from "../support/capture-output.ts";
import { APP_ID, SECRET_ARN } from "../support/constants.ts";
import { generateAppKeyPair } from "../support/github-emulator/generate-app-key-pair.ts";
import {
  closeEmulators,
  resetAws,
  startGitHubScenario as scenario,
  secrets,
} from "../support/github-scenario.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const timetable = () => ({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });

beforeEach(resetAws);
afterEach(closeEmulators);

describe("handler over the GitHub emulator (sources): failures", () => {
  it("rides out a 502 and a secondary rate limit", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    gh.faults.failNext(1, 502, (request) => request.operation === "graphql query");
    gh.faults.secondaryRateLimitNext(1, 1);
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
    expect(gh.requests.map((request) => request.status)).toEqual(expect.arrayContaining([502, 403]));
    expect(summaryLines(lines).map((line) => line.outcome)).toEqual(["updated"]);
  });

  it("returns the batch as failures when GitHub keeps failing, and succeeds on redelivery", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    // One request and its two retries: Octokit's retry plugin gives up, the event must be redelivered.
    gh.faults.failNext(3, 502, (request) => request.operation === "graphql query");
    const batch = sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46"), "not an event"]);
    const { result, lines, raw } = await captureOutput(() => handler(batch));
    expect((result as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }]);
    expect(await newCommits()).toBe(0);
    expect(gh.requests.filter((request) => request.status === 502)).toHaveLength(3);
    expect(
      summaryLines(lines)
        .map((line) => line.outcome)
        .sort(),
    ).toEqual(["failed", "invalid"]);
    const failed = summaryLines(lines).find((line) => line.outcome === "failed");
    expect(failed).toMatchObject({
      level: "ERROR",
      errorName: "GitHubApiError",
      reason: expect.stringContaining("502"),
    });
    expect(raw).not.toContain(KEY_MARKER);
    const retry = await captureOutput(() => handler(batch));
    expect(retry.result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
  });

  it("fails the batch with a clear message when the secret is missing, and retries the read next time", async () => {
    const { handler, newCommits } = await scenario(timetable());
    secrets.reset();
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        $metadata: {},
        message: "Secrets Manager can't find the specified secret.",
      }),
    );
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect((result as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }]);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "failed",
        reason: `could not read secret '${SECRET_ARN}': ResourceNotFoundException — create the secret or fix GITHUB_APP_SECRET_ARN`,
      }),
    ]);
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs8 }) });
    const retry = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect(retry.result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
  });

  it("re-reads the secret after GitHub refused its key, so a fixed key works without a new container", async () => {
    const { handler, newCommits } = await scenario(timetable());
    const wrong = generateAppKeyPair();
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ appId: APP_ID, privateKey: wrong.privateKeyPkcs1 }) });
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const refused = await captureOutput(() => handler(sqsBatch([event])));
    expect((refused.result as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }]);
    expect(refused.raw).not.toContain(wrong.privateKeyPkcs1.split("\n")[5] ?? "unreachable");

    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1 }) });
    const fixed = await captureOutput(() => handler(sqsBatch([event])));
    expect(fixed.result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("returns the batch when the branch moves under every attempt, committing nothing of its own", async () => {
    const { gh, handler, newCommits } = await scenario(timetable(), {}, { maxAttempts: 2 });
    let other = 0;
    gh.faults.beforeMutation(async () => {
      other++;
      await gh.pushCommit(
        { [`apps/snutt-dev/other-${other}.yaml`]: "kind: ConfigMap\n" },
        `someone else ${other}`,
      );
    }, 2);
    const { result, lines } = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect((result as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }]);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "failed",
        errorName: "CommitConflictError",
        reason: expect.stringContaining("the branch moved under every one of 2 commit attempts"),
      }),
    ]);
    expect(await newCommits()).toBe(2);
    expect(await gh.readFile(TIMETABLE)).toContain("snutt-timetable:45");
    expect(metricTotal(lines, "ConflictRetries")).toBe(2);
  });
});
