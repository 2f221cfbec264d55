import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_SIZE, FUNCTION_TIMEOUT, MAX_RECEIVE_COUNT } from "../../cdk/ecr-heimdall.ts";
import {
  createHeimdallTestStack,
  EXISTING_SECRET_ARN,
  type HeimdallTestStack,
} from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

describe("EventBridge rule", () => {
  it("matches exactly successful tagged pushes under the configured prefixes", () => {
    expect(t.resource(t.snutt.rule).Properties.EventPattern).toEqual({
      source: ["aws.ecr"],
      "detail-type": ["ECR Image Action"],
      detail: {
        "action-type": ["PUSH"],
        result: ["SUCCESS"],
        "image-tag": [{ exists: true }],
        "repository-name": [{ prefix: "snutt-dev/" }, { prefix: "snutt-prod/" }],
      },
    });
  });

  it("matches every repository when no prefix is configured", () => {
    expect(t.resource(t.other.rule).Properties.EventPattern).toEqual({
      source: ["aws.ecr"],
      "detail-type": ["ECR Image Action"],
      detail: { "action-type": ["PUSH"], result: ["SUCCESS"], "image-tag": [{ exists: true }] },
    });
  });

  it("targets its own FIFO queue with the GitOps repository as the message group, undeliverable events to a DLQ", () => {
    for (const [heimdall, group] of [
      [t.snutt, "wafflestudio/snutt-gitops"],
      [t.other, "wafflestudio/other-gitops"],
    ] as const) {
      expect(t.resource(heimdall.rule).Properties.Targets).toEqual([
        {
          Arn: t.arnOf(heimdall.queue),
          Id: "Target0",
          SqsParameters: { MessageGroupId: group },
          DeadLetterConfig: { Arn: t.arnOf(heimdall.deliveryDeadLetterQueue) },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      ]);
      // EventBridge refuses FIFO dead-letter queues.
      expect(t.resource(heimdall.deliveryDeadLetterQueue).Properties.FifoQueue).toBeUndefined();
    }
  });

  it("lets only its rule send to the queue, and only over TLS", () => {
    const policies = t.template.findResources("AWS::SQS::QueuePolicy", {
      Properties: { Queues: [t.ref(t.snutt.queue)] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(statements).toContainEqual({
      Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
      Condition: { ArnEquals: { "aws:SourceArn": t.arnOf(t.snutt.rule) } },
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Resource: t.arnOf(t.snutt.queue),
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });
});

describe("queue, dead-letter queue and event source mapping", () => {
  it("uses an encrypted, content-deduplicated FIFO queue that redrives to an encrypted FIFO DLQ", () => {
    const queue = t.resource(t.snutt.queue).Properties;
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: t.arnOf(t.snutt.deadLetterQueue), maxReceiveCount: 5 },
    });
    expect(MAX_RECEIVE_COUNT).toBe(5);
    expect(t.resource(t.snutt.deadLetterQueue).Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("keeps the visibility timeout at least 6 × the function timeout", () => {
    const timeout = t.resource(t.snutt.function).Properties.Timeout as number;
    expect(timeout).toBe(FUNCTION_TIMEOUT.toSeconds());
    expect(t.resource(t.snutt.queue).Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(
      6 * timeout,
    );
  });

  it("feeds the function in batches of 10 with partial batch failure reporting and no batching window", () => {
    const mappings = t.template.findResources("AWS::Lambda::EventSourceMapping", {
      Properties: { FunctionName: t.ref(t.snutt.function) },
    });
    expect(Object.values(mappings).map((m) => (m as { Properties: unknown }).Properties)).toEqual([
      {
        BatchSize: BATCH_SIZE,
        EventSourceArn: t.arnOf(t.snutt.queue),
        FunctionName: t.ref(t.snutt.function),
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      },
    ]);
    expect(BATCH_SIZE).toBe(10);
  });

  it("sets no reserved concurrency (it would throttle the SQS pollers into the DLQ)", () => {
    for (const heimdall of [t.snutt, t.other, t.quiet]) {
      expect(t.resource(heimdall.function).Properties).not.toHaveProperty("ReservedConcurrentExecutions");
    }
  });
});

describe("function", () => {
  it("runs the newest Node.js runtime on arm64 with its own log group and the documented environment", () => {
    const fn = t.resource(t.snutt.function).Properties;
    expect(fn).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      MemorySize: 512,
      Timeout: 60,
      Handler: "index.handler",
      Role: t.arnOf(t.child(t.snutt, "FunctionRole")),
      LoggingConfig: { LogGroup: t.ref(t.child(t.snutt, "FunctionLogs")) },
    });
    expect(fn.Environment).toEqual({
      Variables: {
        GITOPS_REPO: "wafflestudio/snutt-gitops",
        GITOPS_BRANCH: "main",
        GITHUB_API_URL: "https://github.example.com/api/v3",
        GITHUB_APP_SECRET_ARN: t.ref(t.snutt.secret),
        STALE_EVENT_CHECK: "true",
        POWERTOOLS_SERVICE_NAME: "ecr-heimdall",
        POWERTOOLS_METRICS_NAMESPACE: "EcrHeimdall",
        POWERTOOLS_LOG_LEVEL: "DEBUG",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
    expect(t.resource(t.child(t.snutt, "FunctionLogs")).Properties).toEqual({ RetentionInDays: 30 });
  });

  it("omits optional variables and passes an existing secret ARN through", () => {
    expect(t.resource(t.other.function).Properties.Environment).toEqual({
      Variables: {
        GITOPS_REPO: "wafflestudio/other-gitops",
        GITHUB_APP_SECRET_ARN: EXISTING_SECRET_ARN,
        STALE_EVENT_CHECK: "true",
        POWERTOOLS_SERVICE_NAME: "ecr-heimdall",
        POWERTOOLS_METRICS_NAMESPACE: "EcrHeimdall",
        POWERTOOLS_LOG_LEVEL: "INFO",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
    expect(
      (t.resource(t.quiet.function).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables.STALE_EVENT_CHECK,
    ).toBe("false");
  });

  it("ships an ESM bundle with a source map whose CommonJS require() of a built-in works in plain Node", () => {
    const key = (t.resource(t.snutt.function).Properties.Code as { S3Key: string }).S3Key;
    const bundle = join(t.assembly.directory, `asset.${key.replace(/\.zip$/, "")}`, "index.mjs");
    expect(readFileSync(`${bundle}.map`, "utf8")).toContain('"mappings"');
    // A separate process: test runners may lend ESM a global require() that Lambda does not have.
    const runner = join(t.projectRoot, "run.mjs");
    writeFileSync(
      runner,
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});\n` +
        "process.stdout.write(JSON.stringify(await handler()));\n",
    );
    const run = spawnSync(process.execPath, [runner], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ batchItemFailures: [], platform: process.platform });
  });
});

describe("stack outputs", () => {
  it("name the secret, function, log group and queues of each instance for the operating commands", () => {
    const outputs = t.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const outputValue = (name: string) =>
      Object.entries(outputs).find(([key]) =>
        new RegExp(`^wafflestudiosnuttgitops${name}[0-9A-F]{8}$`).test(key),
      )?.[1].Value;
    expect(outputValue("SecretArn")).toEqual(t.ref(t.snutt.secret));
    expect(outputValue("FunctionName")).toEqual(t.ref(t.snutt.function));
    expect(outputValue("LogGroupName")).toEqual(t.ref(t.child(t.snutt, "FunctionLogs")));
    expect(outputValue("DeadLetterQueueUrl")).toEqual(t.ref(t.snutt.deadLetterQueue));
    expect(outputValue("QueueUrl")).toEqual(t.ref(t.snutt.queue));
    expect(Object.keys(outputs)).toHaveLength(18);
  });
});
