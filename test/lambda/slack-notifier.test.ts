import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readSlackWebhookUrl } from "../../lambda/aws/read-slack-webhook-url.ts";
import { memoizeUntilSuccess } from "../../lambda/core/index.ts";
import { createSlackNotifier } from "../../lambda/runtime/create-slack-notifier.ts";
import { SlackDeliveryError } from "../../lambda/runtime/slack-delivery-error.ts";
import { captureOutput } from "../support/capture-output.ts";

const ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-slack-AbCdEf";
const HOOK_PATH = "/services/T000/B000/WEBHOOKMARKER";

/** Slack's incoming-webhook endpoint, locally: answers `status` with Slack's plain-text body. */
interface FakeSlack {
  url: string;
  posts: { contentType: string; body: unknown }[];
  status: number;
  hang: boolean;
}
const slack: FakeSlack = { url: "", posts: [], status: 200, hang: false };
const hanging: ServerResponse[] = [];
const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (request.url !== HOOK_PATH || request.method !== "POST") {
    response.writeHead(404).end("no_service");
    return;
  }
  slack.posts.push({
    contentType: String(request.headers["content-type"]),
    body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
  });
  if (slack.hang) {
    hanging.push(response);
    return;
  }
  response.writeHead(slack.status, { "content-type": "text/html" });
  response.end(slack.status === 200 ? "ok" : slack.status === 404 ? "no_service" : "invalid_payload");
});

const secrets = mockClient(SecretsManagerClient);
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  slack.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${HOOK_PATH}`;
});
afterEach(() => {
  secrets.reset();
  slack.posts.length = 0;
  slack.status = 200;
  slack.hang = false;
  for (const response of hanging.splice(0)) response.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function notifier(timeoutMs?: number) {
  secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ ARN, SecretString: slack.url });
  return createSlackNotifier({
    webhookUrl: memoizeUntilSuccess(() => readSlackWebhookUrl({ secretArn: ARN })),
    logger: new Logger({ serviceName: "ecr-heimdall-notifier" }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

const heimdallUpdate = (detail: Record<string, unknown>) => ({
  version: "0",
  id: "5e1f6c7a-0000-4000-8000-000000000001",
  "detail-type": "Heimdall Update",
  source: "ecr-heimdall",
  account: "405906814034",
  time: "2026-11-20T10:00:03Z",
  region: "ap-northeast-2",
  resources: [],
  detail,
});
const updated = heimdallUpdate({
  gitopsRepo: "wafflestudio/snutt-gitops",
  outcome: "updated",
  imageRepository: "snutt-dev/snutt-timetable",
  tag: "46",
  previousTags: ["45"],
  commitSha: "1a2b3c4d5e6f",
  commitUrl: "https://github.com/wafflestudio/snutt-gitops/commit/1a2b3c4d5e6f",
});

describe("the Slack notifier", () => {
  it("posts one line as JSON to the webhook from the secret, reading the secret once per container", async () => {
    const handler = notifier();
    const { result, raw } = await captureOutput(async () => [await handler(updated), await handler(updated)]);

    expect(result).toEqual([{ posted: true }, { posted: true }]);
    expect(slack.posts).toEqual([
      {
        contentType: "application/json; charset=utf-8",
        body: {
          text:
            ":white_check_mark: *snutt-dev/snutt-timetable* 45 → 46 deployed to wafflestudio/snutt-gitops" +
            " · <https://github.com/wafflestudio/snutt-gitops/commit/1a2b3c4d5e6f|commit 1a2b3c4>",
        },
      },
      expect.anything(),
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(raw).not.toContain("WEBHOOKMARKER");
  });

  it("posts nothing, and reads no secret, for an outcome Slack does not get or another event", async () => {
    const handler = notifier();
    expect(await handler(heimdallUpdate({ outcome: "no-change", imageRepository: "a", tag: "1" }))).toEqual({
      posted: false,
      reason: "outcome not posted to Slack",
    });
    expect(await handler({ ...updated, source: "aws.ecr" })).toEqual({
      posted: false,
      reason: "not a Heimdall Update event",
    });
    expect(slack.posts).toEqual([]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("throws for Lambda's retries and the DLQ when Slack refuses, and reads the secret again after a 404", async () => {
    const handler = notifier();
    slack.status = 404;
    const { result: first, raw } = await captureOutput(() =>
      handler(updated).catch((error: unknown) => error),
    );
    expect(first).toBeInstanceOf(SlackDeliveryError);
    expect((first as Error).message).toBe(
      "Slack answered 404 (no_service) — check the webhook in the secret; Lambda retries, then the notification DLQ keeps it",
    );
    slack.status = 200;
    expect(await handler(updated)).toEqual({ posted: true });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(raw).not.toContain("WEBHOOKMARKER");
  });

  it("throws on a 500 without dropping the webhook", async () => {
    const handler = notifier();
    slack.status = 500;
    await expect(handler(updated)).rejects.toThrow("Slack answered 500 (invalid_payload)");
    slack.status = 200;
    await handler(updated);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("gives up after its timeout, naming no URL", async () => {
    slack.hang = true;
    const error = await notifier(200)(updated).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as Error).message).toBe(
      "could not reach Slack (no answer within 200 ms); Lambda retries, then the notification DLQ keeps it",
    );
  });
});
