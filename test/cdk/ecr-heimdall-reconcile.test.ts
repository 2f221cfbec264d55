import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEcrHeimdallProps } from "../../cdk/ecr-heimdall-props.ts";
import { readCdkContext } from "../../cdk/read-cdk-context.ts";
import { createHeimdallTestStack, ecrArn, type HeimdallTestStack } from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

describe("reconcile schedule", () => {
  it("sends the reconcile request every reconcileEvery minutes through the pushes' FIFO queue and message group", () => {
    const rule = t.snutt.reconcileRule;
    expect(rule).toBeDefined();
    if (rule === undefined) return;
    const properties = t.resource(rule).Properties;
    expect(properties.ScheduleExpression).toBe("rate(15 minutes)");
    const [target] = properties.Targets as Record<string, unknown>[];
    expect(target).toMatchObject({
      Arn: t.arnOf(t.snutt.queue),
      SqsParameters: { MessageGroupId: "wafflestudio/snutt-gitops" },
      DeadLetterConfig: { Arn: t.arnOf(t.snutt.deliveryDeadLetterQueue) },
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
    });
    const input = (target?.InputTransformer as { InputTemplate: string } | undefined)?.InputTemplate;
    expect(input).toContain('"source":"ecr-heimdall"');
    expect(input).toContain('"detail-type":"Heimdall Reconcile"');
    expect(input).toContain('"detail":{}');
  });

  it("defaults to every hour, and reconcileEvery 0 turns it off", () => {
    const rule = t.other.reconcileRule;
    expect(rule === undefined ? undefined : t.resource(rule).Properties.ScheduleExpression).toBe(
      "rate(1 hour)",
    );
    expect(t.quiet.reconcileRule).toBeUndefined();
    expect(t.quiet.node.tryFindChild("ReconcileSchedule")).toBeUndefined();
  });

  it("grants ecr:DescribeImages on the same prefixes for the reconcile, nothing wider", () => {
    const statements = JSON.stringify(t.template.toJSON().Resources);
    expect(statements).toContain(JSON.stringify(ecrArn("snutt-dev/*")));
    const described = Object.values(
      t.template.toJSON().Resources as Record<
        string,
        {
          Type: string;
          Properties: {
            PolicyDocument?: { Statement: { Action: unknown; Resource: unknown }[] };
            Roles?: unknown;
          };
        }
      >,
    )
      .filter((resource) => resource.Type === "AWS::IAM::Policy")
      .flatMap((resource) => resource.Properties.PolicyDocument?.Statement ?? [])
      .filter((statement) => statement.Action === "ecr:DescribeImages");
    expect(described.map((statement) => statement.Resource)).toEqual(
      expect.arrayContaining([[ecrArn("snutt-dev/*"), ecrArn("snutt-prod/*")], ecrArn("*")]),
    );
    expect(described).toHaveLength(2); // snutt and other; quiet has neither the stale check nor the schedule
  });

  it("refuses an interval that is not a whole number of minutes from 0 to a day, at synth and in context", () => {
    for (const reconcileEvery of [-1, 1.5, 1441]) {
      expect(() => checkEcrHeimdallProps({ gitopsRepo: "a/b", reconcileEvery })).toThrow(/reconcileEvery/);
    }
    expect(checkEcrHeimdallProps({ gitopsRepo: "a/b", reconcileEvery: 0 }).reconcileEvery).toBe(0);
    const from = (context: Record<string, unknown>) => readCdkContext((key) => context[key]);
    expect(from({ gitopsRepo: "a/b", reconcileEvery: "30" }).instances[0]?.reconcileEvery).toBe(30);
    expect(() => from({ gitopsRepo: "a/b", reconcileEvery: "hourly" })).toThrow(
      /reconcileEvery.*whole number/,
    );
  });
});
