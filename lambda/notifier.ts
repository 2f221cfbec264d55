import { Logger } from "@aws-lambda-powertools/logger";
import { readSlackWebhookUrl } from "./aws/read-slack-webhook-url.ts";
import { memoizeUntilSuccess } from "./core/index.ts";
import { createSlackNotifier } from "./runtime/create-slack-notifier.ts";
import { InvalidEnvironmentError } from "./runtime/invalid-environment-error.ts";

const logger = new Logger({ serviceName: "ecr-heimdall-notifier" });

// Only the ARN is in the environment (and the template); the URL is read at run time and kept in memory.
const secretArn = process.env.SLACK_WEBHOOK_SECRET_ARN?.trim() ?? "";
if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(secretArn)) {
  const error = new InvalidEnvironmentError([
    {
      variable: "SLACK_WEBHOOK_SECRET_ARN",
      message:
        "SLACK_WEBHOOK_SECRET_ARN is not a Secrets Manager secret ARN — set it to the secret holding the Slack incoming-webhook URL",
    },
  ]);
  logger.error("invalid configuration", { reason: error.message });
  throw error;
}

/**
 * The Slack notifier's entry point (`notifier.handler` in its own bundle, built by the same
 * `lambdaBundleOptions` as the main function): an EventBridge rule sends it the `updated`, `proposed`,
 * `failed`, `blocked` and `repaired` `Heimdall Update` events of one GitOps repository, and it posts one line
 * each to the webhook stored in the secret. See `createSlackNotifier` for the failure semantics.
 *
 * @example
 * // Environment: SLACK_WEBHOOK_SECRET_ARN=arn:aws:secretsmanager:…:secret:heimdall-slack-AbCdEf
 * await handler({ source: "ecr-heimdall", "detail-type": "Heimdall Update", detail: { outcome: "updated", … } });
 * // { posted: true }
 */
export const handler = createSlackNotifier({
  webhookUrl: memoizeUntilSuccess(() => readSlackWebhookUrl({ secretArn })),
  logger,
});
