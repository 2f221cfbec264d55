import { Match } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EcrHeimdall } from "../../cdk/ecr-heimdall.ts";
import { OLDEST_MESSAGE_AGE_THRESHOLD } from "../../cdk/heimdall-alarms.ts";
import { createHeimdallTestStack, type HeimdallTestStack } from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

describe("alarms", () => {
  const alarm = (
    heimdall: EcrHeimdall,
    name: "FunctionErrors" | "DeadLetters" | "OldestMessage" | "UndeliveredEvents",
  ) => t.resource(t.child(t.child(heimdall, "Alarms"), name)).Properties;

  it("alarm on function errors, a non-empty DLQ and an old message on the main queue", () => {
    expect(alarm(t.snutt, "FunctionErrors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: t.ref(t.snutt.function) }],
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
    expect(alarm(t.snutt, "DeadLetters")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        { Name: "QueueName", Value: { "Fn::GetAtt": [t.id(t.snutt.deadLetterQueue), "QueueName"] } },
      ],
      Statistic: "Maximum",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(alarm(t.snutt, "OldestMessage")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [t.id(t.snutt.queue), "QueueName"] } }],
      Statistic: "Maximum",
      Threshold: OLDEST_MESSAGE_AGE_THRESHOLD.toSeconds(),
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(OLDEST_MESSAGE_AGE_THRESHOLD.toSeconds()).toBe(600);
    expect(alarm(t.snutt, "UndeliveredEvents")).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [t.id(t.snutt.deliveryDeadLetterQueue), "QueueName"] },
        },
      ],
      Statistic: "Maximum",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
  });

  it("notify an encrypted, TLS-only topic with an email subscription, on alarm and on recovery", () => {
    const topic = t.snutt.alarms.topic;
    expect(topic).toBeDefined();
    if (topic === undefined) return;
    for (const name of ["FunctionErrors", "DeadLetters", "OldestMessage", "UndeliveredEvents"] as const) {
      expect(alarm(t.snutt, name)).toMatchObject({ AlarmActions: [t.ref(topic)], OKActions: [t.ref(topic)] });
    }
    const key = t.child(t.child(t.snutt, "Alarms"), "TopicKey");
    expect(t.resource(topic).Properties).toEqual({ KmsMasterKeyId: t.arnOf(key) });
    expect(t.resource(key).Properties).toMatchObject({ EnableKeyRotation: true });
    t.template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Principal: { Service: "cloudwatch.amazonaws.com" },
          }),
        ]),
      },
    });
    t.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: t.ref(topic),
    });
    t.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [t.ref(topic)],
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
    expect(t.other.alarms.topic).toBeUndefined();
    for (const name of ["FunctionErrors", "DeadLetters", "OldestMessage", "UndeliveredEvents"] as const) {
      expect(alarm(t.other, name)).not.toHaveProperty("AlarmActions");
    }
    t.template.resourceCountIs("AWS::SNS::Topic", 1);
  });
});
