import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcrHeimdallStack } from "../../cdk/ecr-heimdall-stack.ts";
import { createHeimdallTestStack, type HeimdallTestStack, SLACK_SECRET_ARN } from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

describe("the Slack path (slackWebhookSecretArn)", () => {
  const notifier = () => {
    const found = t.snutt.slackNotifier;
    if (found === undefined) throw new Error("the snutt instance has a Slack notifier");
    return found;
  };

  it("routes only this instance's updated, proposed, failed, blocked and repaired events to the notifier", () => {
    const { rule, function: fn, deadLetterQueue } = notifier();
    expect(t.resource(rule).Properties).toMatchObject({
      EventPattern: {
        source: ["ecr-heimdall"],
        "detail-type": ["Heimdall Update"],
        detail: {
          gitopsRepo: ["wafflestudio/snutt-gitops"],
          outcome: ["updated", "proposed", "failed", "blocked", "repaired"],
        },
      },
      Targets: [
        {
          Arn: t.arnOf(fn),
          Id: "Target0",
          RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 20 },
          DeadLetterConfig: { Arn: t.arnOf(deadLetterQueue) },
        },
      ],
    });
    // No event bus name: the rule listens on the default bus, where the function publishes.
    expect(t.resource(rule).Properties.EventBusName).toBeUndefined();
  });

  it("retries a failed post twice, then parks it in the same dead-letter queue, which an alarm watches", () => {
    const { function: fn, deadLetterQueue } = notifier();
    t.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: t.ref(fn),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: t.arnOf(deadLetterQueue) } },
    });
    expect(t.resource(deadLetterQueue).Properties).toEqual({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    const alarm = t.snutt.alarms.undeliveredNotifications;
    expect(alarm).toBeDefined();
    expect(t.resource(alarm as NonNullable<typeof alarm>).Properties).toMatchObject({
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [t.id(deadLetterQueue), "QueueName"] } }],
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 0,
    });
  });

  it("gives the notifier the secret's ARN, never its value, and reads it with a role scoped to it", () => {
    const { function: fn, deadLetterQueue } = notifier();
    expect(t.resource(fn).Properties).toMatchObject({
      Handler: "index.handler",
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Environment: { Variables: { SLACK_WEBHOOK_SECRET_ARN: SLACK_SECRET_ARN } },
    });
    const role = t.child(notifier(), "Role");
    const policies = t.template.findResources("AWS::IAM::Policy", { Properties: { Roles: [t.ref(role)] } });
    const [policy] = Object.values(policies) as {
      Properties: { PolicyDocument: { Statement: unknown[] } };
    }[];
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Effect: "Allow",
        Resource: t.arnOf(t.child(notifier(), "Logs")),
        Sid: "WriteOwnLogs",
      },
      {
        Action: "secretsmanager:GetSecretValue",
        Effect: "Allow",
        Resource: SLACK_SECRET_ARN,
        Sid: "ReadSlackWebhookSecret",
      },
      {
        Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Effect: "Allow",
        Resource: t.arnOf(deadLetterQueue),
      },
    ]);
    const template = JSON.stringify(t.template.toJSON());
    expect(template).not.toMatch(/hooks\.slack\.com|AWS::Events::(Connection|ApiDestination)/);
    expect(template).not.toContain('AWS::SecretsManager::Secret","Properties":{"SecretString');
  });

  it("exists only on the instance that asked for it", () => {
    expect(t.other.slackNotifier).toBeUndefined();
    expect(t.quiet.slackNotifier).toBeUndefined();
    expect(t.other.alarms.undeliveredNotifications).toBeUndefined();
  });
});

describe("a synth without slackWebhookSecretArn", () => {
  it("has no Slack resources at all", () => {
    const stack = new EcrHeimdallStack(new App({ builtinCloudFormationValidation: false }), "Plain", {
      instances: [{ gitopsRepo: "wafflestudio/snutt-gitops", entry: t.entry, projectRoot: t.projectRoot }],
    });
    const template = Template.fromStack(stack);
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/slack/i);
    expect(json).not.toContain("SLACK_WEBHOOK_SECRET_ARN");
    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.resourceCountIs("AWS::Events::Rule", 2); // the pushes' rule and the reconcile schedule
    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
    template.resourceCountIs("AWS::Lambda::Permission", 0);
  });
});
