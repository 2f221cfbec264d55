import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { App, type CfnElement, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_SIZE, EcrHeimdall, FUNCTION_TIMEOUT, MAX_RECEIVE_COUNT } from "../../cdk/ecr-heimdall.ts";
import { EcrHeimdallStack } from "../../cdk/ecr-heimdall-stack.ts";
import { OLDEST_MESSAGE_AGE_THRESHOLD } from "../../cdk/heimdall-alarms.ts";

const EXISTING_SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/app-AbCdEf";

// A throwaway Lambda project: the entry imports a CommonJS module that require()s a Node built-in,
// which only works in the ESM bundle thanks to the createRequire banner.
let projectRoot: string;
let app: App;
let stack: EcrHeimdallStack;
let template: Template;
let assembly: CloudAssembly;
let snutt: EcrHeimdall;
let other: EcrHeimdall;
let quiet: EcrHeimdall;

beforeAll(() => {
  projectRoot = mkdtempSync(join(tmpdir(), "heimdall-cdk-"));
  // CDK runs `npx --no-install esbuild` inside the project root: lend it this repository's esbuild.
  symlinkSync(
    fileURLToPath(new URL("../../node_modules", import.meta.url)),
    join(projectRoot, "node_modules"),
  );
  writeFileSync(join(projectRoot, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}\n');
  writeFileSync(join(projectRoot, "platform.cjs"), 'module.exports = () => require("node:os").platform();\n');
  writeFileSync(
    join(projectRoot, "entry.ts"),
    'import platform from "./platform.cjs";\n' +
      "export const handler = async () => ({ batchItemFailures: [], platform: platform() });\n",
  );
  const entry = join(projectRoot, "entry.ts");
  // CDK's built-in CloudFormation schema validation costs ~12 s per synth; app.test.ts runs it on
  // the real app, so this file keeps only cdk-nag.
  app = new App({ builtinCloudFormationValidation: false });
  stack = new EcrHeimdallStack(app, "Heimdall", {
    instances: [
      {
        gitopsRepo: "wafflestudio/snutt-gitops",
        gitopsBranch: "main",
        githubApiUrl: "https://github.example.com/api/v3",
        repositoryPrefixes: ["snutt-dev/", "snutt-prod/"],
        alarmEmail: "ops@example.com",
        logLevel: "DEBUG",
        entry,
        projectRoot,
      },
      {
        gitopsRepo: "wafflestudio/other-gitops",
        githubAppSecretArn: EXISTING_SECRET_ARN,
        entry,
        projectRoot,
      },
      {
        gitopsRepo: "wafflestudio/quiet",
        repositoryPrefixes: ["quiet/"],
        staleEventCheck: false,
        entry,
        projectRoot,
      },
    ],
  });
  [snutt, other, quiet] = stack.heimdalls as [EcrHeimdall, EcrHeimdall, EcrHeimdall];
  // The same wiring as cdk/app.ts: an unacknowledged cdk-nag error makes synth throw.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  assembly = app.synth();
  template = Template.fromStack(stack);
});

afterAll(() => rmSync(projectRoot, { recursive: true, force: true }));

const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ref = (construct: IConstruct) => ({ Ref: id(construct) });
const arnOf = (construct: IConstruct) => ({ "Fn::GetAtt": [id(construct), "Arn"] });
const child = (construct: IConstruct, path: string) => construct.node.findChild(path);
const resource = (construct: IConstruct) => {
  const found = template.toJSON().Resources[id(construct)];
  expect(found, `no resource for ${construct.node.path}`).toBeDefined();
  return found as { Type: string; Properties: Record<string, unknown> };
};
const ecrArn = (pattern: string) => ({
  "Fn::Join": [
    "",
    [
      "arn:",
      { Ref: "AWS::Partition" },
      ":ecr:",
      { Ref: "AWS::Region" },
      ":",
      { Ref: "AWS::AccountId" },
      `:repository/${pattern}`,
    ],
  ],
});

describe("EventBridge rule", () => {
  it("matches exactly successful tagged pushes under the configured prefixes", () => {
    expect(resource(snutt.rule).Properties.EventPattern).toEqual({
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
    expect(resource(other.rule).Properties.EventPattern).toEqual({
      source: ["aws.ecr"],
      "detail-type": ["ECR Image Action"],
      detail: { "action-type": ["PUSH"], result: ["SUCCESS"], "image-tag": [{ exists: true }] },
    });
  });

  it("targets its own FIFO queue with the GitOps repository as the message group", () => {
    expect(resource(snutt.rule).Properties.Targets).toEqual([
      {
        Arn: arnOf(snutt.queue),
        Id: "Target0",
        SqsParameters: { MessageGroupId: "wafflestudio/snutt-gitops" },
      },
    ]);
    expect(resource(other.rule).Properties.Targets).toEqual([
      {
        Arn: arnOf(other.queue),
        Id: "Target0",
        SqsParameters: { MessageGroupId: "wafflestudio/other-gitops" },
      },
    ]);
  });

  it("lets only its rule send to the queue, and only over TLS", () => {
    const policies = template.findResources("AWS::SQS::QueuePolicy", {
      Properties: { Queues: [ref(snutt.queue)] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(statements).toContainEqual({
      Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
      Condition: { ArnEquals: { "aws:SourceArn": arnOf(snutt.rule) } },
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Resource: arnOf(snutt.queue),
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });
});

describe("queue, dead-letter queue and event source mapping", () => {
  it("uses an encrypted, content-deduplicated FIFO queue that redrives to an encrypted FIFO DLQ", () => {
    const queue = resource(snutt.queue).Properties;
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arnOf(snutt.deadLetterQueue), maxReceiveCount: 5 },
    });
    expect(MAX_RECEIVE_COUNT).toBe(5);
    expect(resource(snutt.deadLetterQueue).Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("keeps the visibility timeout at least 6 × the function timeout", () => {
    const timeout = resource(snutt.function).Properties.Timeout as number;
    expect(timeout).toBe(FUNCTION_TIMEOUT.toSeconds());
    expect(resource(snutt.queue).Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
  });

  it("feeds the function in batches of 10 with partial batch failure reporting and no batching window", () => {
    const mappings = template.findResources("AWS::Lambda::EventSourceMapping", {
      Properties: { FunctionName: ref(snutt.function) },
    });
    expect(Object.values(mappings).map((m) => (m as { Properties: unknown }).Properties)).toEqual([
      {
        BatchSize: BATCH_SIZE,
        EventSourceArn: arnOf(snutt.queue),
        FunctionName: ref(snutt.function),
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      },
    ]);
    expect(BATCH_SIZE).toBe(10);
  });

  it("sets no reserved concurrency (it would throttle the SQS pollers into the DLQ)", () => {
    for (const heimdall of [snutt, other, quiet]) {
      expect(resource(heimdall.function).Properties).not.toHaveProperty("ReservedConcurrentExecutions");
    }
  });
});

describe("function", () => {
  it("runs the newest Node.js runtime on arm64 with its own log group and the documented environment", () => {
    const fn = resource(snutt.function).Properties;
    expect(fn).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      MemorySize: 512,
      Timeout: 60,
      Handler: "index.handler",
      Role: arnOf(child(snutt, "FunctionRole")),
      LoggingConfig: { LogGroup: ref(child(snutt, "FunctionLogs")) },
    });
    expect(fn.Environment).toEqual({
      Variables: {
        GITOPS_REPO: "wafflestudio/snutt-gitops",
        GITOPS_BRANCH: "main",
        GITHUB_API_URL: "https://github.example.com/api/v3",
        GITHUB_APP_SECRET_ARN: ref(snutt.secret),
        STALE_EVENT_CHECK: "true",
        POWERTOOLS_SERVICE_NAME: "ecr-heimdall",
        POWERTOOLS_METRICS_NAMESPACE: "EcrHeimdall",
        POWERTOOLS_LOG_LEVEL: "DEBUG",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
    expect(resource(child(snutt, "FunctionLogs")).Properties).toEqual({ RetentionInDays: 30 });
  });

  it("omits optional variables and passes an existing secret ARN through", () => {
    expect(resource(other.function).Properties.Environment).toEqual({
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
      (resource(quiet.function).Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .STALE_EVENT_CHECK,
    ).toBe("false");
  });

  it("ships an ESM bundle with a source map whose CommonJS require() of a built-in works in plain Node", () => {
    const key = (resource(snutt.function).Properties.Code as { S3Key: string }).S3Key;
    const bundle = join(assembly.directory, `asset.${key.replace(/\.zip$/, "")}`, "index.mjs");
    expect(readFileSync(`${bundle}.map`, "utf8")).toContain('"mappings"');
    // A separate process: test runners may lend ESM a global require() that Lambda does not have.
    const runner = join(projectRoot, "run.mjs");
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

describe("IAM", () => {
  const queueConsume = (heimdall: EcrHeimdall) => ({
    Action: [
      "sqs:ReceiveMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueUrl",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ],
    Effect: "Allow",
    Resource: arnOf(heimdall.queue),
  });
  const logs = (heimdall: EcrHeimdall) => ({
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Effect: "Allow",
    Resource: arnOf(child(heimdall, "FunctionLogs")),
    Sid: "WriteOwnLogs",
  });
  const policyOf = (heimdall: EcrHeimdall) => {
    const role = child(heimdall, "FunctionRole");
    const policies = template.findResources("AWS::IAM::Policy", { Properties: { Roles: [ref(role)] } });
    expect(Object.keys(policies)).toHaveLength(1);
    return (Object.values(policies)[0] as { Properties: { PolicyDocument: unknown } }).Properties
      .PolicyDocument;
  };

  it("scopes the prefixed instance to its log group, its secret, its repositories and its queue", () => {
    expect(policyOf(snutt)).toEqual({
      Version: "2012-10-17",
      Statement: [
        logs(snutt),
        {
          Action: "secretsmanager:GetSecretValue",
          Effect: "Allow",
          Resource: ref(snutt.secret),
          Sid: "ReadGitHubAppSecret",
        },
        {
          Action: "ecr:DescribeImages",
          Effect: "Allow",
          Resource: [ecrArn("snutt-dev/*"), ecrArn("snutt-prod/*")],
          Sid: "ReadImagePushTimes",
        },
        queueConsume(snutt),
      ],
    });
  });

  it("grants GetSecretValue on exactly the existing secret, and DescribeImages account-wide without prefixes", () => {
    expect(policyOf(other)).toEqual({
      Version: "2012-10-17",
      Statement: [
        logs(other),
        {
          Action: "secretsmanager:GetSecretValue",
          Effect: "Allow",
          Resource: EXISTING_SECRET_ARN,
          Sid: "ReadGitHubAppSecret",
        },
        { Action: "ecr:DescribeImages", Effect: "Allow", Resource: ecrArn("*"), Sid: "ReadImagePushTimes" },
        queueConsume(other),
      ],
    });
  });

  it("drops ecr:DescribeImages entirely when the stale-event check is off", () => {
    const statements = (policyOf(quiet) as { Statement: { Action: unknown }[] }).Statement;
    expect(statements.map((s) => s.Action)).not.toContain("ecr:DescribeImages");
    expect(statements).toHaveLength(3);
  });

  it("attaches no managed policies and trusts only Lambda", () => {
    for (const heimdall of [snutt, other, quiet]) {
      expect(resource(child(heimdall, "FunctionRole")).Properties).toEqual({
        AssumeRolePolicyDocument: {
          Statement: [
            { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } },
          ],
          Version: "2012-10-17",
        },
        Description: `ecr-heimdall function for ${heimdall.node.id.replace("wafflestudio-", "wafflestudio/")}`,
      });
    }
  });

  it("has no identity-policy statement on a bare '*' resource or action anywhere in the stack", () => {
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      const doc = (policy as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } })
        .Properties.PolicyDocument;
      for (const statement of doc.Statement) {
        expect([statement.Resource].flat()).not.toContain("*");
        expect(JSON.stringify(statement.Action)).not.toMatch(/:\*"/);
      }
    }
  });
});

describe("GitHub App secret", () => {
  it("is created with a generated placeholder and never a value in the template", () => {
    expect(resource(snutt.secret).Properties).toEqual({
      Description: expect.stringContaining('{"appId","privateKey","installationId"}'),
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 32 },
    });
    const json = JSON.stringify(template.toJSON());
    // A key, a literal secret value, or a template that would seed one.
    for (const forbidden of ["BEGIN", "PRIVATE KEY", '"SecretString":', "SecretStringTemplate", "-----"]) {
      expect(json.includes(forbidden), `template contains ${forbidden}`).toBe(false);
    }
  });

  it("is not created when an existing ARN is given", () => {
    expect(template.findResources("AWS::SecretsManager::Secret")).toEqual({
      [id(snutt.secret)]: expect.anything(),
      [id(quiet.secret)]: expect.anything(),
    });
  });
});

describe("alarms", () => {
  const alarm = (heimdall: EcrHeimdall, name: "FunctionErrors" | "DeadLetters" | "OldestMessage") =>
    resource(child(child(heimdall, "Alarms"), name)).Properties;

  it("alarm on function errors, a non-empty DLQ and an old message on the main queue", () => {
    expect(alarm(snutt, "FunctionErrors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: ref(snutt.function) }],
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
    expect(alarm(snutt, "DeadLetters")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id(snutt.deadLetterQueue), "QueueName"] } }],
      Statistic: "Maximum",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(alarm(snutt, "OldestMessage")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id(snutt.queue), "QueueName"] } }],
      Statistic: "Maximum",
      Threshold: OLDEST_MESSAGE_AGE_THRESHOLD.toSeconds(),
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(OLDEST_MESSAGE_AGE_THRESHOLD.toSeconds()).toBe(600);
  });

  it("notify an encrypted, TLS-only topic with an email subscription, on alarm and on recovery", () => {
    const topic = snutt.alarms.topic;
    expect(topic).toBeDefined();
    if (topic === undefined) return;
    for (const name of ["FunctionErrors", "DeadLetters", "OldestMessage"] as const) {
      expect(alarm(snutt, name)).toMatchObject({ AlarmActions: [ref(topic)], OKActions: [ref(topic)] });
    }
    const key = child(child(snutt, "Alarms"), "TopicKey");
    expect(resource(topic).Properties).toEqual({ KmsMasterKeyId: arnOf(key) });
    expect(resource(key).Properties).toMatchObject({ EnableKeyRotation: true });
    template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Principal: { Service: "cloudwatch.amazonaws.com" },
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: ref(topic),
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [ref(topic)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "sns:Publish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
          }),
        ]),
      },
    });
  });

  it("exist without actions or a topic when no email is configured", () => {
    expect(other.alarms.topic).toBeUndefined();
    for (const name of ["FunctionErrors", "DeadLetters", "OldestMessage"] as const) {
      expect(alarm(other, name)).not.toHaveProperty("AlarmActions");
    }
    template.resourceCountIs("AWS::SNS::Topic", 1);
  });
});

describe("several instances in one stack", () => {
  it("give each GitOps repository its own rule, queues, function, role and alarms", () => {
    for (const [type, count] of [
      ["AWS::Events::Rule", 3],
      ["AWS::SQS::Queue", 6],
      ["AWS::Lambda::Function", 3],
      ["AWS::Lambda::EventSourceMapping", 3],
      ["AWS::IAM::Role", 3],
      ["AWS::CloudWatch::Alarm", 9],
    ] as const) {
      template.resourceCountIs(type, count);
    }
    expect(new Set([snutt, other, quiet].map((h) => id(h.queue))).size).toBe(3);
  });

  it("refuse the same GitOps repository twice", () => {
    expect(
      () =>
        new EcrHeimdallStack(new App(), "Twice", {
          instances: [
            { gitopsRepo: "a/b", entry: join(projectRoot, "entry.ts"), projectRoot },
            { gitopsRepo: "a/b", entry: join(projectRoot, "entry.ts"), projectRoot },
          ],
        }),
    ).toThrow(/configured twice/);
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("reports zero unacknowledged findings, errors or warnings", () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
    expect(Annotations.fromStack(stack).findError("*", Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning("*", Match.anyValue())).toEqual([]);
  });

  it("gives every acknowledgement a written reason", () => {
    const acknowledgements: { path: string; id: string; reason: unknown }[] = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [ruleId, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          acknowledgements.push({ path: construct.node.path, id: ruleId, reason });
        }
      }
    }
    expect(acknowledgements.map((a) => a.id).sort()).toEqual(
      [
        "AwsSolutions-SMG4",
        "AwsSolutions-SMG4",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/snutt-dev/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/snutt-prod/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*]",
      ]
        .map((ruleId) => `Annotation::${ruleId}`)
        .sort(),
    );
    for (const { reason } of acknowledgements) {
      expect(typeof reason === "string" && reason.length >= 40).toBe(true);
    }
  });

  it("does flag a wildcard it was not told about (the checks really run)", () => {
    const probeApp = new App();
    const probe = new Stack(probeApp, "Probe");
    const heimdall = new EcrHeimdall(probe, "Probe", {
      gitopsRepo: "a/b",
      repositoryPrefixes: ["x/"],
      entry: join(projectRoot, "entry.ts"),
      projectRoot,
    });
    heimdall.function.addToRolePolicy(
      new PolicyStatement({ actions: ["ecr:DescribeImages"], resources: ["*"] }),
    );
    const ruleNames = new AwsSolutionsChecks().validateScope(probeApp).violations.map((v) => v.ruleName);
    expect(ruleNames).toContain("AwsSolutions-IAM5[Resource::*]");
  });
});
