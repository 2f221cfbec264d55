import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { redactSecrets } from "./redact-secrets.ts";
import type { EventSummary } from "./summarize-report.ts";
import { toUpdateEventDetail } from "./update-event.ts";
import type { UpdateEventPublisher } from "./update-event-publisher.ts";

/** Where the `Heimdall Update` events of one instance go. */
export interface UpdateEvents {
  readonly publisher: UpdateEventPublisher;
  /** `owner/name` of the GitOps repository, so subscribers can tell instances apart. */
  readonly gitopsRepo: string;
}

/**
 * Publishes one `Heimdall Update` event per summary of the invocation (all of them in one `PutEvents` call
 * for a batch of up to 10). A notification never fails a deploy: events that could not be published are one
 * `update events not published` warning line with the reasons and the `UpdateEventsNotPublished` metric.
 *
 * @example
 * await announceOutcomes({ logger, metrics }, { publisher, gitopsRepo: "wafflestudio/snutt-gitops" }, summaries);
 */
export async function announceOutcomes(
  sinks: { readonly logger: Logger; readonly metrics: Metrics },
  events: UpdateEvents,
  summaries: readonly EventSummary[],
): Promise<void> {
  if (summaries.length === 0) return;
  let failed: number;
  let reasons: readonly string[];
  try {
    const result = await events.publisher.publish(
      summaries.map((summary) => toUpdateEventDetail(summary, events.gitopsRepo)),
    );
    ({ failed, reasons } = result);
  } catch (error) {
    // The port promises not to throw; should an adapter break that promise, the deploy still stands.
    failed = summaries.length;
    reasons = [error instanceof Error ? `${error.name}: ${error.message}` : String(error)];
  }
  if (failed === 0) return;
  sinks.logger.warn("update events not published", { failed, reasons: reasons.map(redactSecrets) });
  sinks.metrics.addMetric("UpdateEventsNotPublished", MetricUnit.Count, failed);
}
