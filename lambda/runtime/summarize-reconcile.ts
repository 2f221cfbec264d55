import type { ReconcileReport } from "../core/index.ts";
import type { EventSummary } from "./summarize-report.ts";

/** A reconcile request as it came in: the SQS message that carried it and its EventBridge id, when it had one. */
export interface PendingReconcile {
  readonly messageId?: string;
  readonly id?: string;
}

/**
 * Maps a {@link ReconcileReport} onto summary lines: one per image it repaired or left (outcome `repaired` or
 * `left`, the reason, the file, the deployed and the newest pushed tag, the commit for a repair), or — when
 * every image was current — one `no-change` line for the request. Lines carry the request's message id, so
 * a failure is reported back on it, and its correlation id.
 *
 * @example
 * summarizeReconcile({ messageId: "m1" }, "reconcile-1763632800000", report);
 * // [{ outcome: "repaired", eventId: "reconcile-…", imageRepository: "snutt-dev/api", tag: "48", previousTags: ["47"], … }]
 */
export function summarizeReconcile(
  request: PendingReconcile,
  correlationId: string,
  report: ReconcileReport,
): EventSummary[] {
  const base = {
    eventId: correlationId,
    ...(request.messageId === undefined ? {} : { messageId: request.messageId }),
    attempts: report.attempts,
  };
  if (report.items.length === 0) {
    return [
      { ...base, outcome: "no-change", reason: `reconcile: ${report.current} images current, none missed` },
    ];
  }
  return report.items.map((item): EventSummary => {
    const repair = report.repairs.find(
      (candidate) =>
        candidate.push.imageRepository === item.imageRepository && candidate.push.tag === item.newestTag,
    );
    const committed =
      item.outcome === "repaired" && report.commit !== undefined
        ? {
            commitSha: report.commit.oid,
            ...(report.commit.url === undefined ? {} : { commitUrl: report.commit.url }),
          }
        : {};
    return {
      ...base,
      outcome: item.outcome,
      imageRepository: item.imageRepository,
      ...(item.newestTag === undefined ? {} : { tag: item.newestTag }),
      ...(item.outcome === "repaired" && repair?.push.digest !== undefined
        ? { digest: repair.push.digest }
        : {}),
      reason: item.reason,
      files: [item.file],
      previousTags: item.deployedTag.split(", "),
      ...committed,
    };
  });
}
