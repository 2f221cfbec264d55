/**
 * CDK app entry (`cdk.json`: `npx tsx cdk/app.ts`). Reads context, builds one `EcrHeimdallStack`,
 * and runs cdk-nag's AwsSolutions pack as a synth-time validation: an unacknowledged finding
 * fails `cdk synth`/`cdk deploy`.
 *
 * @example
 * // npx cdk deploy -c gitopsRepo=wafflestudio/snutt-gitops -c repositoryPrefixes=snutt-dev/,snutt-prod/ \
 * //   -c alarmEmail=ops@example.com
 */
import { Annotations, App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { EcrHeimdallStack } from "./ecr-heimdall-stack.ts";
import { PLACEHOLDER_GITOPS_REPO, readCdkContext } from "./read-cdk-context.ts";

const app = new App();
const context = readCdkContext((key) => app.node.tryGetContext(key));
const stack = new EcrHeimdallStack(app, context.stackName, { instances: context.instances });
if (context.placeholder) {
  Annotations.of(stack).addWarningV2(
    "ecr-heimdall:placeholder-gitops-repo",
    `No GitOps repository configured; synthesized with the placeholder "${PLACEHOLDER_GITOPS_REPO}". ` +
      "Pass -c gitopsRepo=owner/name (and -c repositoryPrefixes=…) before deploying.",
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
