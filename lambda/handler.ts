import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { type LambdaConfig, readConfig } from "./config.ts";
import { createGitHubRuntime } from "./runtime/create-github-runtime.ts";
import { createHandler } from "./runtime/create-handler.ts";

/**
 * The Lambda entry point (`handler.handler` in the bundle): one EventBridge ECR push event, or an SQS
 * batch of them, applied to the GitOps repository as one commit. See `createHandler` for semantics.
 *
 * Module scope is the container's scope: configuration is validated here, at cold start, so a broken
 * deployment fails init with the list of what to fix; adapters are built on the first event and
 * reused by warm invocations.
 */
const logger = new Logger({ serviceName: "ecr-heimdall" });
const metrics = new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" });

let config: LambdaConfig;
try {
  config = readConfig(process.env);
} catch (error) {
  logger.error("invalid configuration", { reason: error instanceof Error ? error.message : String(error) });
  throw error;
}

export const handler = createHandler({ resolve: createGitHubRuntime(config, { logger }), logger, metrics });
