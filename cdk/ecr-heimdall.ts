import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CfnOutput, Duration, Stack, Validations } from "aws-cdk-lib";
import { EventField, Rule, RuleTargetInput, Schedule } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement, type Role } from "aws-cdk-lib/aws-iam";
import { Architecture, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { RECONCILE_DETAIL_TYPE, RECONCILE_SOURCE } from "../lambda/core/index.ts";
import { FUNCTION_TIMEOUT_SECONDS } from "../lambda/runtime/function-timeout.ts";
import { UPDATE_EVENT_SOURCE } from "../lambda/runtime/update-event.ts";
import { checkEcrHeimdallProps, type EcrHeimdallProps } from "./ecr-heimdall-props.ts";
import { ecrPushEventPattern } from "./ecr-push-event-pattern.ts";
import { HeimdallAlarms } from "./heimdall-alarms.ts";
import { HeimdallDashboard } from "./heimdall-dashboard.ts";
import { HeimdallSlackNotifier } from "./heimdall-slack-notifier.ts";
import { LAMBDA_HANDLER, lambdaCode } from "./lambda-code.ts";
import { lambdaRole } from "./lambda-role.ts";
import { terminalDeadLetterQueue } from "./terminal-dead-letter-queue.ts";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The function's timeout: `FUNCTION_TIMEOUT_SECONDS`, which the function budgets its waits against. */
export const FUNCTION_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS);
/** Minutes between scheduled reconciles when `reconcileEvery` is not set. */
export const DEFAULT_RECONCILE_EVERY = 60;
/** AWS guidance for SQS event sources: visibility timeout ≥ 6 × function timeout. */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(6 * FUNCTION_TIMEOUT.toSeconds());
/** 5 receives × 6 min visibility ≈ 30 min of retries before a push lands in the DLQ. */
export const MAX_RECEIVE_COUNT = 5;
/**
 * 10 is the FIFO maximum. A CI run that pushes several images at once lands in one batch, becomes
 * one read→plan→commit round and one commit instead of several racing commits.
 */
export const BATCH_SIZE = 10;

/**
 * One heimdall instance: ECR push events for the configured repository prefixes flow through an
 * EventBridge rule into a FIFO queue (one message group = this GitOps repository) and from there,
 * one batch at a time, into the function that commits the new tags.
 *
 * Why FIFO with a single message group instead of reserved concurrency: Lambda never runs two
 * batches of one message group at once, so commits to one GitOps repository are serialized
 * without throttling. Reserved concurrency 1 on an SQS-fed function would throttle the pollers,
 * count throttled receives against `maxReceiveCount` and push healthy messages to the DLQ.
 * EventBridge retries deliver the same event body, so content-based deduplication drops them
 * within SQS's 5-minute window. FIFO event sources do not support a batching window; none is set.
 *
 * Least privilege: the role carries only its own log group, `GetSecretValue` on the one secret,
 * `ecr:DescribeImages` on the prefixed repositories (only with `staleEventCheck`), `ecr:BatchGetImage`
 * and `ecr:GetDownloadUrlForLayer` on the same repositories (the commit's source link), `events:PutEvents`
 * on the default bus for source `ecr-heimdall` only, and consume rights on its queue. No managed policies.
 *
 * @example
 * new EcrHeimdall(stack, "SnuttGitops", {
 *   gitopsRepo: "wafflestudio/snutt-gitops",
 *   repositoryPrefixes: ["snutt-dev/", "snutt-prod/"],
 *   alarmEmail: "ops@example.com",
 * });
 */
export class EcrHeimdall extends Construct {
  readonly function: LambdaFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Events EventBridge could not deliver to {@link queue} after 24 h of retries. */
  readonly deliveryDeadLetterQueue: Queue;
  readonly rule: Rule;
  /** The reconcile schedule (`reconcileEvery` minutes); absent when it is `0`. */
  readonly reconcileRule?: Rule;
  readonly secret: ISecret;
  readonly alarms: HeimdallAlarms;
  /** Outcomes, latency, queues, dead-letter queues, function health and the last failures; URL in `DashboardUrl`. */
  readonly dashboard: HeimdallDashboard;
  /** Only with `slackWebhookSecretArn`: the rule, function and dead-letter queue that post to Slack. */
  readonly slackNotifier?: HeimdallSlackNotifier;

  constructor(scope: Construct, id: string, rawProps: EcrHeimdallProps) {
    super(scope, id);
    const props = checkEcrHeimdallProps(rawProps);
    const prefixes = props.repositoryPrefixes ?? [];
    const staleEventCheck = props.staleEventCheck ?? true;
    const reconcileEvery = props.reconcileEvery ?? DEFAULT_RECONCILE_EVERY;
    const projectRoot = props.projectRoot ?? REPO_ROOT;

    if (props.githubAppSecretArn === undefined) {
      // The generated random string is a placeholder, not a key: the function refuses it as "not
      // valid JSON" and names the JSON to store. No key ever enters the template.
      const secret = new Secret(this, "GitHubAppSecret", {
        description: `GitHub App credentials for ecr-heimdall → ${props.gitopsRepo}: {"appId","privateKey","installationId"}`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
      Validations.of(secret).acknowledge({
        id: "AwsSolutions-SMG4",
        reason:
          "A GitHub App private key can only be rotated in GitHub's UI; there is no API a rotation " +
          "Lambda could call. Operators rotate it by hand (docs/deploying-and-operating.md: put-secret-value).",
      });
      // Under exactOptionalPropertyTypes, Secret's `secretFullArn: string | undefined` does not match
      // ISecret's optional `secretFullArn?: string`; the same object at runtime.
      this.secret = secret as ISecret;
    } else {
      this.secret = Secret.fromSecretCompleteArn(this, "GitHubAppSecret", props.githubAppSecretArn);
    }

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, "Queue", {
      fifo: true,
      contentBasedDeduplication: true,
      // SSE-SQS rather than a KMS key: EventBridge can send to it without a key policy, and the
      // function needs no kms:Decrypt.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: QUEUE_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.rule = new Rule(this, "EcrPushRule", {
      description: `ecr-heimdall: tagged ECR pushes → ${props.gitopsRepo}`,
      eventPattern: ecrPushEventPattern(prefixes),
    });
    // Without it, an event EventBridge cannot deliver (queue policy, quota) would vanish silently.
    // EventBridge refuses FIFO dead-letter queues, so this one is standard.
    this.deliveryDeadLetterQueue = terminalDeadLetterQueue(
      this,
      "DeliveryDeadLetterQueue",
      "EventBridge's, for events it could not deliver to the heimdall queue",
    );
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        messageGroupId: props.gitopsRepo,
        deadLetterQueue: this.deliveryDeadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );

    if (reconcileEvery > 0) {
      // Through the same FIFO queue and message group as the pushes: Lambda never runs the reconcile next to
      // a batch of pushes for this repository, and a push queued with it is applied first (see createHandler).
      this.reconcileRule = new Rule(this, "ReconcileSchedule", {
        description: `ecr-heimdall: reconcile ${props.gitopsRepo} every ${reconcileEvery} min (repairs lost pushes)`,
        schedule: Schedule.rate(Duration.minutes(reconcileEvery)),
      });
      this.reconcileRule.addTarget(
        new SqsQueue(this.queue, {
          messageGroupId: props.gitopsRepo,
          // The event's id makes each request's body unique, so content-based deduplication keeps every one.
          message: RuleTargetInput.fromObject({
            source: RECONCILE_SOURCE,
            "detail-type": RECONCILE_DETAIL_TYPE,
            detail: {},
            id: EventField.eventId,
            time: EventField.time,
          }),
          deadLetterQueue: this.deliveryDeadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      );
    }

    const logGroup = new LogGroup(this, "FunctionLogs", { retention: RetentionDays.ONE_MONTH });
    const role = lambdaRole(this, "FunctionRole", logGroup, `ecr-heimdall function for ${props.gitopsRepo}`);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ReadGitHubAppSecret",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [this.secret.secretArn],
      }),
    );
    this.grantImageReads(role, prefixes, staleEventCheck || reconcileEvery > 0);
    // One `Heimdall Update` event per push outcome, on this account's default bus, under heimdall's own source.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "PublishUpdateEvents",
        actions: ["events:PutEvents"],
        resources: [
          Stack.of(this).formatArn({ service: "events", resource: "event-bus", resourceName: "default" }),
        ],
        conditions: { StringEquals: { "events:source": UPDATE_EVENT_SOURCE } },
      }),
    );

    const environment: Record<string, string> = {
      GITOPS_REPO: props.gitopsRepo,
      GITHUB_APP_SECRET_ARN: this.secret.secretArn,
      STALE_EVENT_CHECK: staleEventCheck ? "true" : "false",
      POWERTOOLS_SERVICE_NAME: "ecr-heimdall",
      POWERTOOLS_METRICS_NAMESPACE: "EcrHeimdall",
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? "INFO",
      // Stack traces in the logs point at lambda/*.ts lines instead of the minified bundle.
      NODE_OPTIONS: "--enable-source-maps",
    };
    if (props.gitopsBranch !== undefined) environment.GITOPS_BRANCH = props.gitopsBranch;
    if (props.githubApiUrl !== undefined) environment.GITHUB_API_URL = props.githubApiUrl;

    this.function = new LambdaFunction(this, "Function", {
      description: `ecr-heimdall: ECR push → image tag commit in ${props.gitopsRepo}`,
      code: lambdaCode(props.entry ?? join(REPO_ROOT, "lambda", "handler.ts"), projectRoot),
      handler: LAMBDA_HANDLER,
      // Newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 wants the latest).
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // The bundle (Octokit, AWS SDK clients, yaml) initialises faster with the CPU share of 512 MB;
      // at a few invocations per push the cost difference to 256 MB is negligible.
      memorySize: 512,
      timeout: FUNCTION_TIMEOUT,
      role,
      logGroup,
      environment,
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true }),
    );

    if (props.slackWebhookSecretArn !== undefined) {
      this.slackNotifier = new HeimdallSlackNotifier(this, "SlackNotifier", {
        gitopsRepo: props.gitopsRepo,
        webhookSecretArn: props.slackWebhookSecretArn,
        entry: props.notifierEntry ?? join(REPO_ROOT, "lambda", "notifier.ts"),
        projectRoot,
        ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
      });
    }

    const notifications =
      this.slackNotifier === undefined
        ? {}
        : { notificationDeadLetterQueue: this.slackNotifier.deadLetterQueue };
    this.alarms = new HeimdallAlarms(this, "Alarms", {
      function: this.function,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      deliveryDeadLetterQueue: this.deliveryDeadLetterQueue,
      ...notifications,
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
    });

    this.dashboard = new HeimdallDashboard(this, "Dashboard", {
      gitopsRepo: props.gitopsRepo,
      function: this.function,
      logGroup,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      deliveryDeadLetterQueue: this.deliveryDeadLetterQueue,
      ...notifications,
    });

    // What the operating commands in docs/deploying-and-operating.md need, printed by `cdk deploy`.
    const outputs: Record<string, [string, string]> = {
      SecretArn: [this.secret.secretArn, `put-secret-value target for ${props.gitopsRepo}`],
      FunctionName: [this.function.functionName, "aws lambda invoke target"],
      LogGroupName: [logGroup.logGroupName, "summary lines: aws logs tail <name> --follow"],
      QueueUrl: [this.queue.queueUrl, `FIFO queue; message group "${props.gitopsRepo}"`],
      DeadLetterQueueUrl: [this.deadLetterQueue.queueUrl, "pushes that gave up; redrive after fixing"],
      DashboardUrl: [this.dashboard.url, `CloudWatch dashboard of ${props.gitopsRepo}`],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }

  /**
   * Read-only ECR access on the prefixed repositories: `DescribeImages` answers "when was the tag now in the
   * manifest pushed?" and lists the tagged images the reconcile judges against (only with the stale check or
   * the reconcile schedule), `BatchGetImage` + `GetDownloadUrlForLayer` read the pushed
   * image's manifest and config labels for the commit's source link. Events only arrive from this account and
   * region, so the ARNs are built from the stack's own.
   */
  private grantImageReads(role: Role, prefixes: readonly string[], describeImages: boolean): void {
    const stack = Stack.of(this);
    const arnFor = (pattern: string) =>
      stack.formatArn({ service: "ecr", resource: "repository", resourceName: pattern });
    const resources = prefixes.length === 0 ? [arnFor("*")] : prefixes.map((prefix) => arnFor(`${prefix}*`));
    if (describeImages) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: "ReadImagePushTimes", actions: ["ecr:DescribeImages"], resources }),
      );
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ReadImageProvenance",
        actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        resources,
      }),
    );
    const nagArn = (pattern: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/${pattern}]`;
    if (prefixes.length === 0) {
      Validations.of(role).acknowledge({
        id: nagArn("*"),
        reason:
          "No repositoryPrefixes were configured, so every ECR repository of this account and region may " +
          "feed this GitOps repository; the grants are read-only (push times, manifests, the image config's labels).",
      });
    }
    for (const prefix of prefixes) {
      Validations.of(role).acknowledge({
        id: nagArn(`${prefix}*`),
        reason:
          `Repositories are created by CI under the prefix "${prefix}" after this stack is deployed, so ` +
          "their names are not known here; the wildcard stops at that prefix and the grants are read-only.",
      });
    }
  }
}
