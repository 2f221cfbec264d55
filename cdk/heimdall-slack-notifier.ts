import { Duration } from "aws-cdk-lib";
import { Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaFunctionTarget } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { SLACK_OUTCOMES } from "../lambda/runtime/format-slack-line.ts";
import { UPDATE_EVENT_DETAIL_TYPE, UPDATE_EVENT_SOURCE } from "../lambda/runtime/update-event.ts";
import { LAMBDA_HANDLER, lambdaCode } from "./lambda-code.ts";
import { lambdaRole } from "./lambda-role.ts";
import { terminalDeadLetterQueue } from "./terminal-dead-letter-queue.ts";

/** What {@link HeimdallSlackNotifier} posts, and where from. */
export interface HeimdallSlackNotifierProps {
  /** The instance's GitOps repository: only its `Heimdall Update` events are posted. */
  readonly gitopsRepo: string;
  /** Complete ARN of the secret holding the Slack incoming-webhook URL. */
  readonly webhookSecretArn: string;
  /** The notifier's entry file (`lambda/notifier.ts`) and esbuild's working directory. */
  readonly entry: string;
  readonly projectRoot: string;
  readonly logLevel?: string;
}

/**
 * Slack for one heimdall instance, keeping the webhook URL out of code, template and logs: an EventBridge rule
 * on the default bus picks the instance's `Heimdall Update` events with outcome `updated`, `proposed`,
 * `failed`, `blocked` or `repaired` and invokes a small notifier function (bundled by the same
 * `lambdaBundleOptions` as the main function), which reads the URL from the secret at run time and posts one
 * line per event. Only the secret's ARN is in the template. (An API destination would need the URL in its
 * connection or endpoint, and so in the template.)
 *
 * Nothing undelivered vanishes: the rule's target retries for 2 hours and then parks the event in
 * {@link deadLetterQueue}; once invoked, Lambda retries a failed post twice (Slack down, a 5xx, a timeout) and
 * then sends the event to the same queue (an on-failure destination). An alarm watches it (`HeimdallAlarms`).
 * The role may write its own log group and read that one secret, nothing else.
 *
 * @example
 * new HeimdallSlackNotifier(this, "SlackNotifier", { gitopsRepo: "wafflestudio/snutt-gitops",
 *   webhookSecretArn: "arn:aws:secretsmanager:…:secret:heimdall-slack-AbCdEf", entry, projectRoot });
 */
export class HeimdallSlackNotifier extends Construct {
  readonly function: LambdaFunction;
  readonly rule: Rule;
  /** Notifications neither EventBridge nor Lambda could deliver, with the event and the error. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: HeimdallSlackNotifierProps) {
    super(scope, id);
    const secret = Secret.fromSecretCompleteArn(this, "WebhookSecret", props.webhookSecretArn);

    this.deadLetterQueue = terminalDeadLetterQueue(
      this,
      "DeadLetterQueue",
      "the Slack notifier's, for notifications EventBridge or Lambda could not deliver",
    );

    const logGroup = new LogGroup(this, "Logs", { retention: RetentionDays.ONE_MONTH });
    const role = lambdaRole(this, "Role", logGroup, `ecr-heimdall Slack notifier for ${props.gitopsRepo}`);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ReadSlackWebhookSecret",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [secret.secretArn],
      }),
    );

    this.function = new LambdaFunction(this, "Function", {
      description: `ecr-heimdall: Heimdall Update events of ${props.gitopsRepo} → Slack`,
      code: lambdaCode(props.entry, props.projectRoot),
      handler: LAMBDA_HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // One secret read and one POST of at most 5 s.
      timeout: Duration.seconds(15),
      role,
      logGroup,
      environment: {
        SLACK_WEBHOOK_SECRET_ARN: secret.secretArn,
        POWERTOOLS_SERVICE_NAME: "ecr-heimdall-notifier",
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? "INFO",
        NODE_OPTIONS: "--enable-source-maps",
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.rule = new Rule(this, "Rule", {
      description: `ecr-heimdall: ${props.gitopsRepo} deploys and failures → Slack`,
      eventPattern: {
        source: [UPDATE_EVENT_SOURCE],
        detailType: [UPDATE_EVENT_DETAIL_TYPE],
        detail: { gitopsRepo: [props.gitopsRepo], outcome: [...SLACK_OUTCOMES] },
      },
    });
    this.rule.addTarget(
      new LambdaFunctionTarget(this.function, {
        retryAttempts: 20,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
  }
}
