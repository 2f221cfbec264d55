import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DescribeImagesCommand, ECRClient, ImageNotFoundException } from "@aws-sdk/client-ecr";
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { SQSBatchResponse } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../lambda/config.ts";
import { createGitHubRuntime } from "../../lambda/runtime/create-github-runtime.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import {
  createGitHubEmulator,
  type GitHubEmulator,
} from "../support/github-emulator/create-github-emulator.ts";
import { generateAppKeyPair } from "../support/github-emulator/generate-app-key-pair.ts";
import { captureOutput, metricTotal, summaryLines } from "./support/capture-output.ts";
import { deployment, pushEvent, sqsBatch } from "./support/lambda-events.ts";

const keys = generateAppKeyPair();
const KEY_MARKER = keys.privateKeyPkcs1.split("\n")[5] ?? "unreachable";
const APP_ID = 4242;
const INSTALLATION_ID = 777;
const SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-app-AbCdEf";
const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const DEV = "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com";

const secrets = mockClient(SecretsManagerClient);
const ecr = mockClient(ECRClient);
const emulators: GitHubEmulator[] = [];

beforeEach(() => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
    ARN: SECRET_ARN,
    SecretString: JSON.stringify({ appId: String(APP_ID), privateKey: keys.privateKeyPkcs1 }),
  });
  ecr.on(DescribeImagesCommand).rejects(new ImageNotFoundException({ $metadata: {}, message: "not found" }));
});
afterEach(async () => {
  secrets.reset();
  ecr.reset();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function scenario(files: Record<string, string>, env: Record<string, string> = {}) {
  const gh = await createGitHubEmulator({
    owner: "wafflestudio",
    repo: "gitops",
    files,
    appId: APP_ID,
    publicKey: keys.publicKey,
    installationId: INSTALLATION_ID,
  });
  emulators.push(gh);
  const config = readConfig({
    GITOPS_REPO: "wafflestudio/gitops",
    GITHUB_APP_SECRET_ARN: SECRET_ARN,
    GITHUB_API_URL: gh.url,
    ...env,
  });
  const logger = new Logger({ serviceName: "ecr-heimdall" });
  const handler = createHandler({
    resolve: createGitHubRuntime(config, {
      logger,
      // Same policy, shorter waits: 10 ms per backoff unit / per second of retry-after.
      octokit: { retry: { retryAfterBaseValue: 10 }, throttle: { retryAfterBaseValue: 10 } },
    }),
    logger,
    metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
    update: { sleep: async () => {} },
  });
  const initialCommits = (await gh.commits()).length;
  return { gh, handler, newCommits: async () => (await gh.commits()).length - initialCommits };
}

const timetable = () => ({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });

describe("handler over the GitHub emulator (sources)", () => {
  it("commits a single push as the App and logs the commit sha and URL, never the key or token", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const { lines, raw } = await captureOutput(() => handler(sqsBatch([event])));
    expect(await gh.readFile(TIMETABLE)).toBe(deployment("snutt-timetable", "snutt-dev/snutt-timetable:46"));
    expect(await newCommits()).toBe(1);
    const [commit] = await gh.commits();
    expect(commit?.headline).toBe("Automated commit by ECR push (snutt-dev/snutt-timetable:46)");
    expect(commit?.verified).toBe(true);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "updated",
        correlation_id: event.id,
        repository: "snutt-dev/snutt-timetable",
        tag: "46",
        files: [TIMETABLE],
        commitSha: commit?.oid,
        commitUrl: expect.stringContaining(commit?.oid ?? "unreachable"),
        attempts: 1,
      }),
    ]);
    expect(raw).not.toContain(KEY_MARKER);
    expect(raw).not.toMatch(/ghs_|eyJ[A-Za-z0-9_-]{8,}\./);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("reads the secret once per container and makes no empty commit for a duplicate", async () => {
    const { handler, newCommits } = await scenario(timetable());
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    await captureOutput(() => handler(event));
    const { lines } = await captureOutput(() => handler(event));
    expect(summaryLines(lines).map((line) => line.outcome)).toEqual(["no-change"]);
    expect(await newCommits()).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("edits a CRLF multi-document file byte-exactly", async () => {
    const crlf = `${deployment("api", "snutt-dev/snutt-timetable:45", "\r\n")}---\r\n${deployment("worker", "snutt-dev/snutt-timetable:45", "\r\n")}`;
    const { gh, handler } = await scenario({ "apps/snutt-dev/snutt-timetable/all.yaml": crlf });
    await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(await gh.readFile("apps/snutt-dev/snutt-timetable/all.yaml")).toBe(
      crlf.replaceAll("snutt-timetable:45", "snutt-timetable:46"),
    );
  });

  it("re-applies on the new head when someone commits in between, keeping their change", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    gh.faults.beforeMutation(async () => {
      await gh.pushCommit(
        { "apps/snutt-dev/other/deployment.yaml": deployment("other", "snutt-dev/other:9") },
        "someone else",
      );
    });
    const { lines } = await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(await newCommits()).toBe(2);
    expect(await gh.readFile("apps/snutt-dev/other/deployment.yaml")).toContain("snutt-dev/other:9");
    expect(await gh.readFile(TIMETABLE)).toContain("snutt-timetable:46");
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ outcome: "updated", attempts: 2, conflicts: 1 }),
    ]);
    expect(metricTotal(lines, "ConflictRetries")).toBe(1);
  });

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
    // One request and its three retries: Octokit's retry plugin gives up, the event must be redelivered.
    gh.faults.failNext(4, 502, (request) => request.operation === "graphql query");
    const batch = sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46"), "not an event"]);
    const { result, lines, raw } = await captureOutput(() => handler(batch));
    expect((result as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }]);
    expect(await newCommits()).toBe(0);
    expect(gh.requests.filter((request) => request.status === 502)).toHaveLength(4);
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

  it("commits an SQS batch of 20 images as one commit", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      files[`apps/team/app-${i}/deployment.yaml`] = deployment(`app-${i}`, `team/app-${i}:1`);
    const { gh, handler, newCommits } = await scenario(files);
    const events = Array.from({ length: 20 }, (_, i) => pushEvent(`team/app-${i}`, "2"));
    const { result, lines } = await captureOutput(() => handler(sqsBatch(events)));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
    for (let i = 0; i < 20; i++)
      expect(await gh.readFile(`apps/team/app-${i}/deployment.yaml`)).toContain(`team/app-${i}:2`);
    expect(summaryLines(lines).filter((line) => line.outcome === "updated")).toHaveLength(20);
    const [commit] = await gh.commits();
    expect(commit?.body).toContain("team/app-19");
  });

  it("ignores a repository no manifest maps to under fallback: none", async () => {
    const { handler, newCommits } = await scenario({
      ...timetable(),
      ".heimdall.yaml":
        "version: 1\nfallback: none\ntargets:\n  - repository: snutt-dev/*\n    paths: [apps/snutt-dev/**]\n",
    });
    const { lines } = await captureOutput(() => handler(pushEvent("unknown-team/api", "1")));
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ outcome: "ignored", reason: expect.stringMatching(/^unmapped: /) }),
    ]);
    expect(await newCommits()).toBe(0);
  });

  it("skips an out-of-order event when ECR says the deployed tag was pushed later", async () => {
    const { handler, newCommits } = await scenario({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47"),
    });
    ecr
      .on(DescribeImagesCommand, {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageTag: "47" }],
      })
      .resolves({ imageDetails: [{ imageTags: ["47"], imagePushedAt: new Date("2026-11-20T10:05:00Z") }] });
    const { lines } = await captureOutput(() =>
      handler(pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z")),
    );
    expect(summaryLines(lines)).toEqual([expect.objectContaining({ outcome: "stale", tag: "46" })]);
    expect(await newCommits()).toBe(0);
    expect(ecr.commandCalls(DescribeImagesCommand)[0]?.args[0].input.registryId).toBe(DEV.split(".")[0]);
  });

  it("does not ask ECR when STALE_EVENT_CHECK=false", async () => {
    const { handler, newCommits } = await scenario(
      { [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47") },
      { STALE_EVENT_CHECK: "false" },
    );
    await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(0);
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
      .resolves({ SecretString: JSON.stringify({ appId: APP_ID, privateKey: keys.privateKeyPkcs8 }) });
    const retry = await captureOutput(() =>
      handler(sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46")])),
    );
    expect(retry.result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
  });
});
