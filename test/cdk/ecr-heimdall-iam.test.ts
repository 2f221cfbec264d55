import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EcrHeimdall } from "../../cdk/ecr-heimdall.ts";
import {
  createHeimdallTestStack,
  EXISTING_SECRET_ARN,
  ecrArn,
  type HeimdallTestStack,
} from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

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
    Resource: t.arnOf(heimdall.queue),
  });
  const logs = (heimdall: EcrHeimdall) => ({
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Effect: "Allow",
    Resource: t.arnOf(t.child(heimdall, "FunctionLogs")),
    Sid: "WriteOwnLogs",
  });
  const provenance = (resources: unknown) => ({
    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    Effect: "Allow",
    Resource: resources,
    Sid: "ReadImageProvenance",
  });
  const putEvents = {
    Action: "events:PutEvents",
    Condition: { StringEquals: { "events:source": "ecr-heimdall" } },
    Effect: "Allow",
    Resource: {
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":events:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":event-bus/default",
        ],
      ],
    },
    Sid: "PublishUpdateEvents",
  };
  const policyOf = (heimdall: EcrHeimdall) => {
    const role = t.child(heimdall, "FunctionRole");
    const policies = t.template.findResources("AWS::IAM::Policy", { Properties: { Roles: [t.ref(role)] } });
    expect(Object.keys(policies)).toHaveLength(1);
    return (Object.values(policies)[0] as { Properties: { PolicyDocument: unknown } }).Properties
      .PolicyDocument;
  };

  it("scopes the prefixed instance to its log group, its secret, its repositories and its queue", () => {
    expect(policyOf(t.snutt)).toEqual({
      Version: "2012-10-17",
      Statement: [
        logs(t.snutt),
        {
          Action: "secretsmanager:GetSecretValue",
          Effect: "Allow",
          Resource: t.ref(t.snutt.secret),
          Sid: "ReadGitHubAppSecret",
        },
        {
          Action: "ecr:DescribeImages",
          Effect: "Allow",
          Resource: [ecrArn("snutt-dev/*"), ecrArn("snutt-prod/*")],
          Sid: "ReadImagePushTimes",
        },
        provenance([ecrArn("snutt-dev/*"), ecrArn("snutt-prod/*")]),
        putEvents,
        queueConsume(t.snutt),
      ],
    });
  });

  it("grants GetSecretValue on exactly the existing secret, and DescribeImages account-wide without prefixes", () => {
    expect(policyOf(t.other)).toEqual({
      Version: "2012-10-17",
      Statement: [
        logs(t.other),
        {
          Action: "secretsmanager:GetSecretValue",
          Effect: "Allow",
          Resource: EXISTING_SECRET_ARN,
          Sid: "ReadGitHubAppSecret",
        },
        { Action: "ecr:DescribeImages", Effect: "Allow", Resource: ecrArn("*"), Sid: "ReadImagePushTimes" },
        provenance(ecrArn("*")),
        putEvents,
        queueConsume(t.other),
      ],
    });
  });

  it("drops ecr:DescribeImages entirely when the stale-event check is off, keeping the provenance reads", () => {
    const statements = (policyOf(t.quiet) as { Statement: { Action: unknown; Sid?: string }[] }).Statement;
    expect(statements.map((s) => s.Action)).not.toContain("ecr:DescribeImages");
    expect(statements.map((s) => s.Sid)).toContain("ReadImageProvenance");
    expect(statements).toHaveLength(5);
  });

  it("attaches no managed policies and trusts only Lambda", () => {
    for (const heimdall of [t.snutt, t.other, t.quiet]) {
      expect(t.resource(t.child(heimdall, "FunctionRole")).Properties).toEqual({
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
    for (const policy of Object.values(t.template.findResources("AWS::IAM::Policy"))) {
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
    expect(t.resource(t.snutt.secret).Properties).toEqual({
      Description: expect.stringContaining('{"appId","privateKey","installationId"}'),
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 32 },
    });
    const json = JSON.stringify(t.template.toJSON());
    // A key, a literal secret value, or a t.template that would seed one.
    for (const forbidden of ["BEGIN", "PRIVATE KEY", '"SecretString":', "SecretStringTemplate", "-----"]) {
      expect(json.includes(forbidden), `t.template contains ${forbidden}`).toBe(false);
    }
  });

  it("is not created when an existing ARN is given", () => {
    expect(t.template.findResources("AWS::SecretsManager::Secret")).toEqual({
      [t.id(t.snutt.secret)]: expect.anything(),
      [t.id(t.quiet.secret)]: expect.anything(),
    });
  });
});
