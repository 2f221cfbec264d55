import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, type CfnElement, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { expect } from "vitest";
import type { EcrHeimdall } from "../../cdk/ecr-heimdall.ts";
import { EcrHeimdallStack } from "../../cdk/ecr-heimdall-stack.ts";

export const EXISTING_SECRET_ARN =
  "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/app-AbCdEf";
/** The snutt instance's Slack webhook secret (only its ARN is ever in the template). */
export const SLACK_SECRET_ARN =
  "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/slack-XyZ123";

/** A synthesized three-instance stack plus lookups from constructs to their template entries. */
export interface HeimdallTestStack {
  readonly app: App;
  readonly stack: EcrHeimdallStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
  /** Prefixes, branch, API URL, alarm email, Slack webhook secret, debug logging, created secret, reconcile every 15 min. */
  readonly snutt: EcrHeimdall;
  /** No prefixes, existing secret ARN, no alarm email, the default reconcile schedule. */
  readonly other: EcrHeimdall;
  /** One prefix, stale-event check and reconcile schedule off. */
  readonly quiet: EcrHeimdall;
  /** The throwaway Lambda project the functions bundle from. */
  readonly projectRoot: string;
  readonly entry: string;
  id(construct: IConstruct): string;
  ref(construct: IConstruct): { Ref: string };
  arnOf(construct: IConstruct): { "Fn::GetAtt": [string, "Arn"] };
  child(construct: IConstruct, path: string): IConstruct;
  resource(construct: IConstruct): { Type: string; Properties: Record<string, unknown> };
  cleanup(): void;
}

/**
 * Creates a throwaway Lambda project (its entry imports a CommonJS module that require()s a Node
 * built-in, which only works in an ESM bundle with the createRequire banner), builds a stack with
 * three heimdall instances from it, and synthesizes once with cdk-nag registered exactly as
 * cdk/app.ts does, so an unacknowledged cdk-nag error makes this throw.
 */
export function createHeimdallTestStack(): HeimdallTestStack {
  const projectRoot = mkdtempSync(join(tmpdir(), "heimdall-cdk-"));
  writeFileSync(join(projectRoot, "platform.cjs"), 'module.exports = () => require("node:os").platform();\n');
  const entry = join(projectRoot, "entry.ts");
  writeFileSync(
    entry,
    'import platform from "./platform.cjs";\n' +
      "export const handler = async () => ({ batchItemFailures: [], platform: platform() });\n",
  );

  // CDK's built-in CloudFormation schema validation costs ~12 s per synth; app.test.ts runs it on
  // the real app, so these files keep only cdk-nag.
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new EcrHeimdallStack(app, "Heimdall", {
    instances: [
      {
        gitopsRepo: "wafflestudio/snutt-gitops",
        gitopsBranch: "main",
        githubApiUrl: "https://github.example.com/api/v3",
        repositoryPrefixes: ["snutt-dev/", "snutt-prod/"],
        alarmEmail: "ops@example.com",
        slackWebhookSecretArn: SLACK_SECRET_ARN,
        logLevel: "DEBUG",
        reconcileEvery: 15,
        entry,
        notifierEntry: entry,
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
        reconcileEvery: 0,
        entry,
        projectRoot,
      },
    ],
  });
  const [snutt, other, quiet] = stack.heimdalls as [EcrHeimdall, EcrHeimdall, EcrHeimdall];
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const template = Template.fromStack(stack);

  const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    app,
    stack,
    template,
    assembly,
    snutt,
    other,
    quiet,
    projectRoot,
    entry,
    id,
    ref: (construct) => ({ Ref: id(construct) }),
    arnOf: (construct) => ({ "Fn::GetAtt": [id(construct), "Arn"] }),
    child: (construct, path) => construct.node.findChild(path),
    resource: (construct) => {
      const found = template.toJSON().Resources[id(construct)];
      expect(found, `no resource for ${construct.node.path}`).toBeDefined();
      return found as { Type: string; Properties: Record<string, unknown> };
    },
    cleanup: () => rmSync(projectRoot, { recursive: true, force: true }),
  };
}

/** The template form of `arn:<partition>:ecr:<region>:<account>:repository/<pattern>`. */
export function ecrArn(pattern: string): unknown {
  return {
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
  };
}
