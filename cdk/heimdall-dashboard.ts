import { Aws, Duration } from "aws-cdk-lib";
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  Metric,
  TextWidget,
} from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** What {@link HeimdallDashboard} shows. */
export interface HeimdallDashboardProps {
  readonly gitopsRepo: string;
  readonly function: IFunction;
  readonly logGroup: ILogGroup;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly deliveryDeadLetterQueue: IQueue;
  /** The Slack notifier's dead-letter queue, when there is one. */
  readonly notificationDeadLetterQueue?: IQueue;
}

/** The function's metric namespace and the dimensions every heimdall metric carries (see `lambda/handler.ts`). */
const NAMESPACE = "EcrHeimdall";
const HOUR = Duration.hours(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * One CloudWatch dashboard per heimdall instance, answering, top to bottom:
 * - **Outcomes per hour** — is it deploying? `Updates`, `NoChange`, `Stale`, `Failures` (sums per hour).
 * - **Push-to-commit latency** — how long from `docker push` to the commit? p50 and p99 per hour.
 * - **Queue** — is it keeping up? visible messages and the age of the oldest one.
 * - **Dead-letter queues** — did anything give up? the queue's DLQ, EventBridge's delivery DLQ (and the Slack
 *   notifier's, when there is one); anything above zero waits for a fix and a redrive.
 * - **Function** — is the function itself healthy? errors (crashes, timeouts) and duration p50/p99/max.
 * - **Last failed events** — why? the newest `ecr push failed` summary lines (Logs Insights).
 *
 * The metrics are the function's own (namespace `EcrHeimdall`, dimensions `service` and `gitopsRepo`), so
 * several instances keep their dashboards apart. The console URL is {@link url}.
 *
 * @example
 * const dashboard = new HeimdallDashboard(this, "Dashboard", { gitopsRepo, function: fn, logGroup, queue, deadLetterQueue, deliveryDeadLetterQueue });
 * new CfnOutput(this, "DashboardUrl", { value: dashboard.url });
 */
export class HeimdallDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** The dashboard in the CloudWatch console of the stack's region. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: HeimdallDashboardProps) {
    super(scope, id);
    const heimdall = (metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: NAMESPACE,
        metricName,
        dimensionsMap: { service: "ecr-heimdall", gitopsRepo: props.gitopsRepo },
        statistic,
        period: HOUR,
        label,
      });
    const visible = (queue: IQueue, label: string) =>
      queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period: FIVE_MINUTES, label });
    const graph = (
      title: string,
      left: IMetric[],
      right: IMetric[] = [],
      leftLabel?: string,
      rightLabel?: string,
    ) =>
      new GraphWidget({
        title,
        left,
        right,
        width: 12,
        height: 6,
        ...(leftLabel === undefined ? {} : { leftYAxis: { label: leftLabel, min: 0, showUnits: false } }),
        ...(rightLabel === undefined ? {} : { rightYAxis: { label: rightLabel, min: 0, showUnits: false } }),
      });

    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ecr-heimdall → ${props.gitopsRepo}\nWhat each widget answers: docs/deploying-and-operating.md#the-dashboard`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        "Outcomes per hour",
        [
          heimdall("Updates", "Sum", "updates"),
          heimdall("NoChange", "Sum", "no change"),
          heimdall("Stale", "Sum", "stale"),
          heimdall("Failures", "Sum", "failures"),
        ],
        [],
        "events per hour",
      ),
      graph(
        "Push-to-commit latency",
        [heimdall("PushToCommitLatency", "p50", "p50"), heimdall("PushToCommitLatency", "p99", "p99")],
        [],
        "ms",
      ),
    );
    const deadLetterQueues = [
      visible(props.deadLetterQueue, "gave up after 5 attempts (DLQ)"),
      visible(props.deliveryDeadLetterQueue, "EventBridge could not deliver (delivery DLQ)"),
    ];
    if (props.notificationDeadLetterQueue !== undefined) {
      deadLetterQueues.push(
        visible(props.notificationDeadLetterQueue, "Slack not posted (notification DLQ)"),
      );
    }
    this.dashboard.addWidgets(
      graph(
        "Queue",
        [visible(props.queue, "messages waiting")],
        [
          props.queue.metricApproximateAgeOfOldestMessage({
            statistic: "Maximum",
            period: FIVE_MINUTES,
            label: "oldest message age",
          }),
        ],
        "messages",
        "seconds",
      ),
      graph("Dead-letter queues", deadLetterQueues, [], "messages"),
    );
    this.dashboard.addWidgets(
      graph(
        "Function errors and duration",
        [props.function.metricErrors({ statistic: "Sum", period: FIVE_MINUTES, label: "errors" })],
        ["p50", "p99", "Maximum"].map((statistic) =>
          props.function.metricDuration({ statistic, period: FIVE_MINUTES, label: `duration ${statistic}` }),
        ),
        "errors",
        "ms",
      ),
      new LogQueryWidget({
        title: "Last failed events",
        logGroupNames: [props.logGroup.logGroupName],
        view: LogQueryVisualizationType.TABLE,
        queryLines: [
          "fields @timestamp, correlation_id, imageRepository, tag, errorName, reason",
          'filter outcome = "failed"',
          "sort @timestamp desc",
          "limit 20",
        ],
        width: 12,
        height: 6,
      }),
    );
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}
