import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** What {@link HeimdallAlarms} watches, and who hears about it. */
export interface HeimdallAlarmsProps {
  readonly function: IFunction;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** Where EventBridge puts events it could not deliver to the queue. */
  readonly deliveryDeadLetterQueue: IQueue;
  /** The Slack notifier's dead-letter queue, when there is one. */
  readonly notificationDeadLetterQueue?: IQueue;
  /** Subscribed to a new encrypted topic; omitted = no topic, the alarms only show in the console. */
  readonly alarmEmail?: string;
}

/**
 * Age of the oldest queued message that means "stuck". A healthy batch is gone in seconds; one
 * failed attempt hides a message for the 6-minute visibility timeout, so 10 minutes means at least
 * two attempts failed for the same push and the GitOps repository is falling behind ECR.
 */
export const OLDEST_MESSAGE_AGE_THRESHOLD = Duration.minutes(10);

/**
 * The alarms that matter for heimdall:
 * - `functionErrors`: the function itself failed (crash, timeout, unhandled error) at least once
 *   in 5 minutes. Per-message failures reported through `batchItemFailures` do not count here;
 *   they surface as retries, then in the dead-letter queue.
 * - `deadLetters`: at least one push gave up and sits in the dead-letter queue; its manifest was
 *   never updated. Fix the cause, then redrive the DLQ.
 * - `oldestMessage`: the main queue holds a push older than {@link OLDEST_MESSAGE_AGE_THRESHOLD}.
 * - `undeliveredEvents`: EventBridge gave up delivering a push to the queue (queue policy, quota) after
 *   its 24 h of retries; heimdall never saw it. Send it to the queue again once the cause is fixed.
 * - `undeliveredNotifications` (only with a Slack notifier): a notification could not be posted to Slack
 *   after the retries; the deploy itself happened. Fix the webhook, then read the queue.
 *
 * Missing data is "not breaching": an idle account publishes no SQS/Lambda datapoints.
 * With `alarmEmail`, alarms and their recoveries go to an SNS topic encrypted with a rotating KMS
 * key whose policy lets CloudWatch publish (the AWS-managed SNS key does not).
 *
 * @example
 * new HeimdallAlarms(this, "Alarms", { function: fn, queue, deadLetterQueue, deliveryDeadLetterQueue, alarmEmail: "ops@example.com" });
 */
export class HeimdallAlarms extends Construct {
  readonly functionErrors: Alarm;
  readonly deadLetters: Alarm;
  readonly oldestMessage: Alarm;
  readonly undeliveredEvents: Alarm;
  /** Only with a Slack notifier: notifications that could not be posted. */
  readonly undeliveredNotifications?: Alarm;
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: HeimdallAlarmsProps) {
    super(scope, id);

    this.functionErrors = new Alarm(this, "FunctionErrors", {
      alarmDescription: "ecr-heimdall: the function failed; read its log group for the error line",
      metric: props.function.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetters = this.queueNotEmpty(
      "DeadLetters",
      props.deadLetterQueue,
      "ecr-heimdall: pushes gave up and wait in the dead-letter queue; fix, then redrive",
    );
    this.oldestMessage = new Alarm(this, "OldestMessage", {
      alarmDescription: "ecr-heimdall: a push waits too long in the queue; the function keeps failing on it",
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: OLDEST_MESSAGE_AGE_THRESHOLD.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.undeliveredEvents = this.queueNotEmpty(
      "UndeliveredEvents",
      props.deliveryDeadLetterQueue,
      "ecr-heimdall: EventBridge could not deliver pushes to the queue; they wait in the delivery DLQ",
    );

    if (props.notificationDeadLetterQueue !== undefined) {
      this.undeliveredNotifications = this.queueNotEmpty(
        "UndeliveredNotifications",
        props.notificationDeadLetterQueue,
        "ecr-heimdall: Slack notifications could not be posted; they wait in the notification DLQ",
      );
    }

    if (props.alarmEmail === undefined) return;
    const cloudwatch = new ServicePrincipal("cloudwatch.amazonaws.com");
    const key = new Key(this, "TopicKey", {
      description: "ecr-heimdall alarm topic encryption",
      enableKeyRotation: true,
      // It only protects notifications in flight; nothing stays encrypted under it after the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch encrypts the alarm notification itself, so it needs the key, not just the topic.
    // (Key policies name the key itself as "*"; publishing stays limited by the topic policy below.)
    key.grant(cloudwatch, "kms:Decrypt", "kms:GenerateDataKey*");
    const topic = new Topic(this, "Topic", { masterKey: key, enforceSSL: true });
    // The topic policy CDK writes for enforceSSL replaces SNS's default one, so CloudWatch alarms of
    // this account must be let in explicitly.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowCloudWatchAlarms",
        principals: [cloudwatch],
        actions: ["sns:Publish"],
        resources: [topic.topicArn],
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    );
    topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(topic);
    const alarms = [this.functionErrors, this.deadLetters, this.oldestMessage, this.undeliveredEvents];
    if (this.undeliveredNotifications !== undefined) alarms.push(this.undeliveredNotifications);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.topic = topic;
  }

  // A dead-letter queue holding anything is worth a page: each message is a push that never landed.
  private queueNotEmpty(id: string, queue: IQueue, alarmDescription: string): Alarm {
    return new Alarm(this, id, {
      alarmDescription,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
