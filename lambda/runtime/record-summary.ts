import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EventSummary } from "./summarize-report.ts";

const METRIC: Record<EventSummary["outcome"], string> = {
  updated: "Updates",
  proposed: "Proposals",
  blocked: "Blocked",
  "no-change": "NoChange",
  ignored: "Ignored",
  stale: "Stale",
  paused: "Paused",
  repaired: "Repaired",
  left: "Left",
  invalid: "Invalid",
  failed: "Failures",
};

/**
 * Writes the ONE summary log line of an event and adds its metrics (`Updates`, `Proposals`, `Blocked`,
 * `NoChange`, `Ignored`, `Stale`, `Paused`, `Repaired`, `Left`, `Invalid`, `Failures`, `PushToCommitLatency`
 * for events that landed in a commit and `PushToProposalLatency` for events proposed through a pull request).
 *
 * The event id is the line's `correlation_id`, so every line about one push can be found from the
 * EventBridge id. `failed` logs at error level; `invalid`, `blocked` and `repaired` (a push was missed) at
 * warn; the rest at info. Metrics are only
 * buffered here; the handler flushes them once per invocation.
 *
 * @example
 * recordSummary({ logger, metrics }, { outcome: "updated", eventId: "…", tag: "46", commitSha: "…" }, 812);
 * // {"level":"INFO","message":"ecr push updated","outcome":"updated","correlation_id":"…","tag":"46",…,"durationMs":812}
 */
export function recordSummary(
  sinks: { readonly logger: Logger; readonly metrics: Metrics },
  summary: EventSummary,
  durationMs: number,
): void {
  const { pushToCommitLatencyMs, pushToProposalLatencyMs, ...fields } = summary;
  const line = {
    ...(summary.eventId === undefined ? {} : { correlation_id: summary.eventId }),
    ...fields,
    ...(pushToCommitLatencyMs === undefined ? {} : { pushToCommitLatencyMs }),
    ...(pushToProposalLatencyMs === undefined ? {} : { pushToProposalLatencyMs }),
    durationMs,
  };
  const message = `ecr push ${summary.outcome}`;
  if (summary.outcome === "failed") sinks.logger.error(message, line);
  // A blocked pull request waits for a person, and a repaired push was missed: worth a look, like a malformed event.
  else if (summary.outcome === "invalid" || summary.outcome === "blocked" || summary.outcome === "repaired") {
    sinks.logger.warn(message, line);
  } else sinks.logger.info(message, line);

  sinks.metrics.addMetric(METRIC[summary.outcome], MetricUnit.Count, 1);
  if (pushToCommitLatencyMs !== undefined) {
    sinks.metrics.addMetric("PushToCommitLatency", MetricUnit.Milliseconds, pushToCommitLatencyMs);
  }
  if (pushToProposalLatencyMs !== undefined) {
    sinks.metrics.addMetric("PushToProposalLatency", MetricUnit.Milliseconds, pushToProposalLatencyMs);
  }
}
