import {
  describeSkipped,
  describeSource,
  type EcrPush,
  type ImageOutcome,
  type SkippedReference,
  type UpdateReport,
} from "../core/index.ts";

/** A summary line lists at most this many skipped references: a paused tree must not make it huge. */
export const MAX_SKIPPED_LINES = 20;

/**
 * What happened to one incoming event, as its summary line says: the image outcomes that make sense per event
 * (`updated`, `proposed` through a pull request, `blocked` by someone's commit on its pull request branch,
 * `no-change`, `stale`, `paused`: its targets are paused in `.heimdall.yaml`; `repaired` and `left`: one line
 * per image a reconcile request repaired or left alone), `ignored` (not an ECR push, or a push the config maps
 * nowhere / refuses), `invalid` (a malformed event) and `failed` (an error; the record is retried). Only
 * `failed` is retried.
 */
export type EventOutcome =
  | Extract<
      ImageOutcome,
      "updated" | "proposed" | "blocked" | "no-change" | "stale" | "paused" | "repaired" | "left"
    >
  | "ignored"
  | "invalid"
  | "failed";

/** What happened to one incoming event: the content of its one summary log line and its metrics. */
export interface EventSummary {
  readonly outcome: EventOutcome;
  readonly eventId?: string;
  readonly messageId?: string;
  readonly imageRepository?: string;
  readonly tag?: string;
  /** The pushed image's digest. */
  readonly digest?: string;
  readonly reason?: string;
  /** For `failed`: the error class (`GitHubApiError`, `SecretError`, `CommitConflictError`, …). */
  readonly errorName?: string;
  /**
   * References this event's image matched and left alone (pinned, paused, a higher version), as
   * `<file>: <path> <value> (<reason>)`; at most {@link MAX_SKIPPED_LINES}, then `… and <n> more`.
   */
  readonly skipped?: readonly string[];
  /** Files this event's image changed. */
  readonly files?: readonly string[];
  /** The tags the changed references held before (`updated` events), e.g. `["45"]`. */
  readonly previousTags?: readonly string[];
  readonly commitSha?: string;
  readonly commitUrl?: string;
  /** From the image's OCI labels (`updated` events whose image has them): the commit it was built from… */
  readonly sourceRevision?: string;
  /** …the repository (normalised to `https://github.com/<owner>/<repo>` for GitHub)… */
  readonly sourceRepository?: string;
  /** …and, when both make one, the link to that commit. */
  readonly sourceCommitUrl?: string;
  readonly attempts?: number;
  readonly conflicts?: number;
  /** Commit time minus the ECR push time; only for events that landed in a commit. */
  readonly pushToCommitLatencyMs?: number;
  /** The image's pull request branch (`heimdall/<image repository>`), for images with `pullRequest:` files. */
  readonly pullRequestBranch?: string;
  readonly pullRequestNumber?: number;
  readonly pullRequestUrl?: string;
  /** The one commit the pull request branch now holds. */
  readonly proposalSha?: string;
  /** Proposal time minus the ECR push time; only for events proposed through a pull request. */
  readonly pushToProposalLatencyMs?: number;
}

/** An event that parsed to a push, with the SQS message it came in. */
export interface PendingPush {
  readonly push: EcrPush;
  readonly messageId?: string;
}

/**
 * Maps an {@link UpdateReport} back onto the events that asked for it: one summary per event.
 *
 * The use case keeps only the newest applicable push per ECR repository, so an event that lost to a newer
 * one in the same batch is `stale` (superseded), and a repeat of the winning tag is `no-change` (duplicate) —
 * only the winner is counted as `updated` (or `proposed`, with its pull request's number and URL; an image with
 * both direct and pull request files carries the commit's fields too). `unmapped` and `tag-rejected` images are `ignored`: heimdall
 * was told not to act on them, there is nothing to retry.
 *
 * @example
 * summarizeReport(pending, report, Date.now());
 * // [{ outcome: "updated", eventId: "…", imageRepository: "snutt-dev/snutt-timetable", tag: "46", files: [...], commitSha: "…" }]
 */
export function summarizeReport(
  pending: readonly PendingPush[],
  report: UpdateReport,
  committedAt: number,
): EventSummary[] {
  return pending.map(({ push, messageId }): EventSummary => {
    const base = {
      eventId: push.eventId,
      ...(messageId === undefined ? {} : { messageId }),
      imageRepository: push.imageRepository,
      tag: push.tag,
      ...(push.digest === undefined ? {} : { digest: push.digest }),
      attempts: report.attempts,
      conflicts: report.conflicts,
    };
    const image =
      report.images.find((candidate) => candidate.push === push) ??
      report.images.find(
        (candidate) => candidate.push.imageRepository === push.imageRepository && applies(candidate),
      );
    if (image === undefined)
      return { ...base, outcome: "failed", reason: "the update report has no entry for this image" };
    if (image.push !== push) {
      return image.push.tag === push.tag
        ? {
            ...base,
            outcome: "no-change",
            reason: `duplicate of event ${image.push.eventId} in the same batch`,
          }
        : {
            ...base,
            outcome: "stale",
            reason: `superseded by ${image.push.imageRepository}:${image.push.tag} (event ${image.push.eventId}) in the same batch`,
          };
    }
    const details = {
      ...(image.reason === undefined ? {} : { reason: image.reason }),
      ...(image.skipped === undefined ? {} : { skipped: skippedLines(image.skipped) }),
    };
    const latency = Math.max(0, committedAt - push.time.getTime());
    const committed =
      report.commit === undefined || image.changes.length === 0
        ? {}
        : {
            commitSha: report.commit.oid,
            ...(report.commit.url === undefined ? {} : { commitUrl: report.commit.url }),
            pushToCommitLatencyMs: latency,
          };
    const written = [...image.changes, ...(image.proposal?.changes ?? [])];
    const previousTags = [
      ...new Set(written.flatMap((change) => (change.from.tag === undefined ? [] : [change.from.tag]))),
    ];
    const changed = {
      files: [...new Set(written.map((change) => change.file))],
      ...(previousTags.length === 0 ? {} : { previousTags }),
      ...sourceFields(image.provenance),
    };
    switch (image.outcome) {
      case "updated":
        return {
          ...base,
          ...details,
          outcome: "updated",
          ...changed,
          ...committed,
        };
      case "proposed":
      case "blocked":
        return {
          ...base,
          ...details,
          outcome: image.outcome,
          ...changed,
          ...committed,
          ...proposalFields(image.proposal, latency),
        };
      case "no-change":
      case "stale":
      case "paused":
        return { ...base, ...details, outcome: image.outcome };
      default:
        // unmapped, tag-rejected
        return {
          ...base,
          outcome: "ignored",
          reason: `${image.outcome}: ${image.reason ?? "not managed by this repository"}`,
        };
    }
  });
}

function proposalFields(
  proposal: UpdateReport["images"][number]["proposal"],
  latency: number,
): Partial<EventSummary> {
  if (proposal === undefined) return {};
  const pull = proposal.pullRequest;
  return {
    pullRequestBranch: proposal.branch,
    ...(pull === undefined ? {} : { pullRequestNumber: pull.number, pullRequestUrl: pull.url }),
    ...(proposal.commit === undefined
      ? {}
      : { proposalSha: proposal.commit.oid, pushToProposalLatencyMs: latency }),
  };
}

function skippedLines(skipped: readonly SkippedReference[]): string[] {
  const lines = skipped.slice(0, MAX_SKIPPED_LINES).map(describeSkipped);
  const more = skipped.length - lines.length;
  return more > 0 ? [...lines, `… and ${more} more`] : lines;
}

function sourceFields(
  provenance: UpdateReport["images"][number]["provenance"],
): Pick<EventSummary, "sourceRevision" | "sourceRepository" | "sourceCommitUrl"> {
  const source = provenance === undefined ? undefined : describeSource(provenance);
  if (source === undefined) return {};
  return {
    ...(source.revision === undefined ? {} : { sourceRevision: source.revision }),
    ...(source.source === undefined ? {} : { sourceRepository: source.source }),
    ...(source.commitUrl === undefined ? {} : { sourceCommitUrl: source.commitUrl }),
  };
}

// Pushes the config rejects or holds are reported on their own; they never stand for another event of the batch.
function applies(image: UpdateReport["images"][number]): boolean {
  return image.outcome !== "unmapped" && image.outcome !== "tag-rejected" && image.outcome !== "paused";
}
