import { App, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcrHeimdall } from "../../cdk/ecr-heimdall.ts";
import { EcrHeimdallStack } from "../../cdk/ecr-heimdall-stack.ts";
import { createHeimdallTestStack, type HeimdallTestStack } from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

describe("several instances in one stack", () => {
  it("give each GitOps repository its own rule, queues, function, role and alarms", () => {
    // Three instances, plus the one Slack notifier (snutt's): its rule, DLQ, function, role and alarm, plus
    // the reconcile schedules of the two instances that keep one.
    for (const [type, count] of [
      ["AWS::Events::Rule", 3 + 1 + 2],
      ["AWS::SQS::Queue", 9 + 1],
      ["AWS::Lambda::Function", 3 + 1],
      ["AWS::Lambda::EventSourceMapping", 3],
      ["AWS::IAM::Role", 3 + 1],
      ["AWS::CloudWatch::Alarm", 12 + 1],
    ] as const) {
      t.template.resourceCountIs(type, count);
    }
    expect(new Set([t.snutt, t.other, t.quiet].map((h) => t.id(h.queue))).size).toBe(3);
  });

  it("refuse the same GitOps repository twice", () => {
    expect(
      () =>
        new EcrHeimdallStack(new App(), "Twice", {
          instances: [
            { gitopsRepo: "a/b", entry: t.entry, projectRoot: t.projectRoot },
            { gitopsRepo: "a/b", entry: t.entry, projectRoot: t.projectRoot },
          ],
        }),
    ).toThrow(/configured twice/);
    expect(
      () =>
        new EcrHeimdallStack(new App(), "Clash", {
          instances: [
            { gitopsRepo: "a/b-c", entry: t.entry, projectRoot: t.projectRoot },
            { gitopsRepo: "a-b/c", entry: t.entry, projectRoot: t.projectRoot },
          ],
        }),
    ).toThrow('GitOps repositories "a/b-c" and "a-b/c" both map to construct id "a-b-c"');
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("reports zero unacknowledged findings, errors or warnings", () => {
    const report = new AwsSolutionsChecks().validateScope(t.app);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
    expect(Annotations.fromStack(t.stack).findError("*", Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(t.stack).findWarning("*", Match.anyValue())).toEqual([]);
  });

  it("gives every acknowledgement a written reason", () => {
    const acknowledgements: { path: string; id: string; reason: unknown }[] = [];
    for (const construct of t.app.node.findAll()) {
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
        "AwsSolutions-SQS3",
        "AwsSolutions-SQS3",
        "AwsSolutions-SQS3",
        "AwsSolutions-SQS3",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/snutt-dev/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/snutt-prod/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*]",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/quiet/*]",
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
      entry: t.entry,
      projectRoot: t.projectRoot,
    });
    heimdall.function.addToRolePolicy(
      new PolicyStatement({ actions: ["ecr:DescribeImages"], resources: ["*"] }),
    );
    const ruleNames = new AwsSolutionsChecks().validateScope(probeApp).violations.map((v) => v.ruleName);
    expect(ruleNames).toContain("AwsSolutions-IAM5[Resource::*]");
  });
});
