import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { EcrHeimdall } from "./ecr-heimdall.ts";
import type { EcrHeimdallProps } from "./ecr-heimdall-props.ts";

/** One entry per GitOps repository; at least one. */
export interface EcrHeimdallStackProps extends StackProps {
  readonly instances: readonly EcrHeimdallProps[];
}

/**
 * The deployable unit: one {@link EcrHeimdall} per GitOps repository, each with its own rule,
 * queue, function, secret and alarms, so one repository's failures never block another's.
 * The stack is environment-agnostic (no `env`, no lookups): account and region come from the
 * deploying credentials, and `cdk synth` works offline.
 *
 * Construct ids derive from `gitopsRepo` (`wafflestudio/snutt-gitops` → `wafflestudio-snutt-gitops`),
 * so adding a repository later does not replace the resources of existing ones.
 *
 * @example
 * new EcrHeimdallStack(app, "EcrHeimdall", {
 *   instances: [{ gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: ["snutt-dev/"] }],
 * });
 */
export class EcrHeimdallStack extends Stack {
  readonly heimdalls: readonly EcrHeimdall[];

  constructor(scope: Construct, id: string, props: EcrHeimdallStackProps) {
    const { instances, ...stackProps } = props;
    super(scope, id, {
      description: "ecr-heimdall: ECR push → image tag commit in GitOps repositories",
      ...stackProps,
    });
    if (instances.length === 0) {
      throw new Error("EcrHeimdallStack needs at least one instance; pass -c gitopsRepo=owner/name");
    }
    // Checked before any instance is built, so a clash fails before any bundling starts.
    const ids = instances.map((instance) => instance.gitopsRepo.replace(/[^A-Za-z0-9]+/g, "-"));
    const clash = ids.findIndex((constructId, index) => ids.indexOf(constructId) !== index);
    if (clash !== -1) {
      const first = instances[ids.indexOf(ids[clash] as string)]?.gitopsRepo;
      const second = instances[clash]?.gitopsRepo;
      throw new Error(
        first === second
          ? `GitOps repository "${second}" is configured twice; merge its repositoryPrefixes into one instance`
          : `GitOps repositories "${first}" and "${second}" both map to construct id "${ids[clash]}"; ` +
              "deploy one of them from a second stack (-c stackName=…)",
      );
    }
    this.heimdalls = instances.map(
      (instance, index) => new EcrHeimdall(this, ids[index] as string, instance),
    );
  }
}
