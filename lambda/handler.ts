import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createUpdateEventPublisher } from "./aws/create-update-event-publisher.ts";
import { createGitHubRuntime } from "./runtime/create-github-runtime.ts";
import { createHandler } from "./runtime/create-handler.ts";
import { type LambdaSettings, readLambdaEnvironment } from "./runtime/read-lambda-environment.ts";

// Module scope is the container's scope: configuration is validated once, at cold start, so a broken
// deployment fails init with the list of what to fix instead of failing every event.
const logger = new Logger({ serviceName: "ecr-heimdall" });
const metrics = new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" });

let config: LambdaSettings;
try {
  config = readLambdaEnvironment(process.env);
} catch (error) {
  logger.error("invalid configuration", { reason: error instanceof Error ? error.message : String(error) });
  throw error;
}
// Several GitOps repositories = several stacks' functions in one namespace: keep their series apart.
const gitopsRepo = `${config.gitopsRepo.owner}/${config.gitopsRepo.repo}`;
metrics.setDefaultDimensions({ gitopsRepo });
logger.appendPersistentKeys({ gitopsRepo });

/**
 * The Lambda entry point (`index.handler`: `dist/lambda/index.mjs` from `npm run build`, byte for byte the
 * CDK asset): one EventBridge ECR push event, or an SQS batch of them, applied to the GitOps repository as
 * at most one commit. Returns `{ batchItemFailures }` for SQS; throws for a direct invocation that should be retried. The secret,
 * Octokit, repository adapter and ECR clock are built on the first event and reused while warm. Each
 * event's outcome is also published as a `Heimdall Update` event on the default EventBridge bus.
 * See `createHandler` for the failure semantics.
 *
 * @example
 * // Environment: GITOPS_REPO=wafflestudio/snutt-gitops GITHUB_APP_SECRET_ARN=arn:aws:secretsmanager:…
 * await handler({ Records: [{ eventSource: "aws:sqs", messageId: "m1", body: JSON.stringify(ecrEvent) }] }, context);
 * // { batchItemFailures: [] }
 */
export const handler = createHandler({
  resolve: createGitHubRuntime(config, { logger }),
  logger,
  metrics,
  events: { publisher: createUpdateEventPublisher(), gitopsRepo },
});
