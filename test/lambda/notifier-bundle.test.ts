import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaBundleOptions } from "../../scripts/lambda-bundle-options.ts";
import { type FakeAwsJsonEndpoint, startFakeAwsJsonEndpoint } from "../support/fake-aws-json-endpoint.ts";
import { invokeBundle } from "../support/invoke-bundle.ts";
import { removeDir } from "../support/temp-git-repo.ts";

const SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-slack-AbCdEf";
const HOOK_PATH = "/services/T000/B000/WEBHOOKMARKER";

let workDir = "";
let bundle = "";
let aws: FakeAwsJsonEndpoint;
const posts: unknown[] = [];
const slack = createServer(async (request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (request.url === HOOK_PATH) posts.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  response
    .writeHead(request.url === HOOK_PATH ? 200 : 404)
    .end(request.url === HOOK_PATH ? "ok" : "no_service");
});

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "heimdall-notifier-"));
  bundle = join(workDir, "index.mjs");
  const entry = fileURLToPath(new URL("../../lambda/notifier.ts", import.meta.url));
  await build(lambdaBundleOptions({ entry, outfile: bundle }));
  aws = await startFakeAwsJsonEndpoint();
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  slack.closeAllConnections();
  await new Promise((resolve) => slack.close(resolve));
  await aws.close();
  await removeDir(workDir);
});

const env = () => ({
  SLACK_WEBHOOK_SECRET_ARN: SECRET_ARN,
  AWS_REGION: "ap-northeast-2",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
  AWS_EC2_METADATA_DISABLED: "true",
});
const update = (outcome: string) => ({
  version: "0",
  id: `evt-${outcome}`,
  "detail-type": "Heimdall Update",
  source: "ecr-heimdall",
  detail: { gitopsRepo: "wafflestudio/snutt-gitops", outcome, imageRepository: "snutt-dev/api", tag: "46" },
});

describe("the built notifier bundle in a fresh node process", () => {
  it("reads the webhook from the secret once and posts the events Slack gets, never logging the URL", async () => {
    const port = (slack.address() as AddressInfo).port;
    aws.secrets.set(SECRET_ARN, `http://127.0.0.1:${port}${HOOK_PATH}`);
    const run = await invokeBundle({
      bundle,
      workDir,
      env: env(),
      name: "notifier",
      events: [update("failed"), update("no-change"), update("updated")],
    });
    expect(run.exitCode).toBe(0);
    expect(run.results).toEqual([
      { ok: { posted: true } },
      { ok: { posted: false, reason: "outcome not posted to Slack" } },
      { ok: { posted: true } },
    ]);
    expect(posts).toEqual([
      { text: ":x: *snutt-dev/api*:46 failed in wafflestudio/snutt-gitops" },
      { text: ":white_check_mark: *snutt-dev/api*:46 deployed to wafflestudio/snutt-gitops" },
    ]);
    expect(aws.requests.filter((request) => request.target === "secretsmanager.GetSecretValue")).toHaveLength(
      1,
    );
    expect(run.output).not.toContain("WEBHOOKMARKER");
  });

  it("refuses to start without a secret ARN", async () => {
    const run = await invokeBundle({
      bundle,
      workDir,
      env: { AWS_REGION: "ap-northeast-2" },
      name: "misconfigured",
      events: [],
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("SLACK_WEBHOOK_SECRET_ARN is not a Secrets Manager secret ARN");
  });
});
