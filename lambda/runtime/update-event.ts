import type { EventSummary } from "./summarize-report.ts";

/** EventBridge `source` of heimdall's own events: route them with `{"source": ["ecr-heimdall"]}`. */
export const UPDATE_EVENT_SOURCE = "ecr-heimdall";
/** EventBridge `detail-type` of the event published after each incoming event's outcome. */
export const UPDATE_EVENT_DETAIL_TYPE = "Heimdall Update";

/** Files listed in one event at most; EventBridge caps a PutEvents request (all entries) at 256 KB. */
const MAX_FILES = 20;
const MAX_REASON = 1000;

/**
 * The `detail` of a `Heimdall Update` event: the event's summary line as data, for whoever routes it (Slack,
 * a webhook through API destinations, another account). `gitopsRepo` tells several instances apart; `files` is
 * cut to 20 entries (`fileCount` has the total) and `reason` to 1000 characters so ten events fit one
 * PutEvents request. SQS plumbing (`messageId`) and retry counters are left out.
 */
export interface UpdateEventDetail extends Omit<EventSummary, "messageId" | "attempts" | "conflicts"> {
  readonly gitopsRepo: string;
  /** How many files the image changed, when `files` had to be cut. */
  readonly fileCount?: number;
}

/**
 * Turns one event's summary into the detail of its `Heimdall Update` event.
 *
 * @example
 * toUpdateEventDetail({ outcome: "updated", eventId: "0d7e…", imageRepository: "snutt-dev/snutt-timetable",
 *   tag: "46", files: ["apps/…/deployment.yaml"], commitUrl: "https://github.com/…/commit/…" }, "wafflestudio/snutt-gitops");
 * // { gitopsRepo: "wafflestudio/snutt-gitops", outcome: "updated", eventId: "0d7e…", …, commitUrl: "…" }
 */
export function toUpdateEventDetail(summary: EventSummary, gitopsRepo: string): UpdateEventDetail {
  const {
    messageId: _messageId,
    attempts: _attempts,
    conflicts: _conflicts,
    files,
    reason,
    ...rest
  } = summary;
  return {
    gitopsRepo,
    ...rest,
    ...(files === undefined ? {} : { files: files.slice(0, MAX_FILES) }),
    ...(files !== undefined && files.length > MAX_FILES ? { fileCount: files.length } : {}),
    ...(reason === undefined
      ? {}
      : { reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason }),
  };
}
