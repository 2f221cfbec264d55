import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse } from "aws-lambda";
import {
  CommitConflictError,
  type GitOpsRepository,
  HeimdallError,
  type ImageProvenanceReader,
  type ImagePushClock,
  parseEcrEvent,
  type UpdateManifestsInput,
  type UpdateReport,
  updateManifests,
} from "../core/index.ts";
import { announceOutcomes, type UpdateEvents } from "./announce-outcomes.ts";
import { recordSummary } from "./record-summary.ts";
import { redactSecrets } from "./redact-secrets.ts";
import { splitLambdaEvent } from "./split-lambda-event.ts";
import { type EventSummary, type PendingPush, summarizeReport } from "./summarize-report.ts";

/** What the handler needs from the outside world; all IO is injected so tests can drive it for real. */
export interface HandlerDependencies {
  /** Repository adapter and optional clock, built lazily once per container (see `memoizeUntilSuccess`). */
  readonly resolve: (() => Promise<{
    readonly gitops: GitOpsRepository;
    readonly clock?: ImagePushClock;
    readonly provenance?: ImageProvenanceReader;
  }>) & {
    /**
     * Drops the container's adapters after a failed update, so the next invocation re-reads the secret: an
     * operator who fixes or rotates the App key must not wait for AWS to recycle warm containers.
     */
    readonly forget?: () => void;
  };
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Wall clock in ms, for durations and push-to-commit latency. */
  readonly now?: () => number;
  /** Passed through to `updateManifests` (retry pacing in tests). */
  readonly update?: Pick<UpdateManifestsInput, "maxAttempts" | "sleep" | "random">;
  /** When set, each event's outcome is also published as a `Heimdall Update` event (see `announceOutcomes`). */
  readonly events?: UpdateEvents;
}

/** Result of a direct (EventBridge) invocation: one entry per event, mainly for humans invoking by hand. */
export interface DirectInvocationResult {
  readonly events: readonly EventSummary[];
}

/** The Lambda handler: an SQS batch answers `batchItemFailures`; a direct EventBridge event answers per-event summaries. */
export type HeimdallHandler = (
  event: unknown,
  context?: Context,
) => Promise<SQSBatchResponse | DirectInvocationResult>;

/**
 * Builds the Lambda handler: parse every record, apply all valid pushes of the invocation with ONE
 * `updateManifests` call (so an SQS batch becomes at most one commit), log one summary line per event
 * and publish metrics.
 *
 * Failure semantics, chosen so nothing is lost and nothing loops forever:
 * - a malformed record is logged as `invalid` and dropped — retrying cannot fix it;
 * - a well-formed event heimdall does not act on is logged as `ignored`;
 * - when the update fails (GitHub 5xx after retries, the branch kept moving, the secret unreadable, …)
 *   every valid record of the invocation is `failed`: returned as `batchItemFailures` for SQS, so the
 *   queue redelivers them (and its redrive policy dead-letters what keeps failing), or thrown for a
 *   direct invocation, so EventBridge's retry policy and DLQ take over. Failures a retry cannot fix
 *   (a 403 from GitHub, an invalid `.heimdall.yaml`) are retried too: the dead-letter queue is where
 *   they wait, redrivable, for the fix — dropping them would lose the push. Returning every valid
 *   record also keeps a FIFO group's order (everything from the first failure on goes back).
 * Messages in logs and thrown errors pass through `redactSecrets`.
 *
 * @example
 * export const handler = createHandler({ resolve: getRuntime, logger, metrics });
 * await handler(sqsEvent, context); // { batchItemFailures: [] }
 */
export function createHandler(deps: HandlerDependencies): HeimdallHandler {
  const now = deps.now ?? Date.now;
  return async (event, context) => {
    const started = now();
    if (context !== undefined) deps.logger.addContext(context);
    const invocation = splitLambdaEvent(event);
    const pending: PendingPush[] = [];
    const summaries: EventSummary[] = [];
    let failure: unknown;

    for (const record of invocation.records) {
      const messageId = record.messageId === undefined ? {} : { messageId: record.messageId };
      try {
        const parsed = parseEcrEvent(record.body);
        if (parsed.kind === "push") pending.push({ push: parsed.push, ...messageId });
        else {
          const eventId = parsed.eventId === undefined ? {} : { eventId: parsed.eventId };
          summaries.push({ outcome: "ignored", ...eventId, ...messageId, reason: parsed.reason });
        }
      } catch (error) {
        summaries.push({ outcome: "invalid", ...messageId, reason: describe(error) });
      }
    }

    let report: UpdateReport | undefined;
    if (pending.length > 0) {
      try {
        const { gitops, clock, provenance } = await deps.resolve();
        report = await updateManifests({
          ...deps.update,
          pushes: pending.map(({ push }) => push),
          gitops,
          ...(clock === undefined ? {} : { clock }),
          ...(provenance === undefined ? {} : { provenance }),
        });
        summaries.push(...summarizeReport(pending, report, now()));
      } catch (error) {
        failure = error;
        deps.resolve.forget?.();
        const reason = describe(error);
        const errorName = error instanceof Error ? error.name : typeof error;
        for (const { push, messageId } of pending) {
          summaries.push({
            outcome: "failed",
            eventId: push.eventId,
            ...(messageId === undefined ? {} : { messageId }),
            imageRepository: push.imageRepository,
            tag: push.tag,
            ...(push.digest === undefined ? {} : { digest: push.digest }),
            reason,
            errorName,
          });
        }
      }
    }

    const durationMs = Math.max(0, now() - started);
    try {
      for (const summary of summaries) recordSummary(deps, summary, durationMs);
      const conflicts = report?.conflicts ?? (failure instanceof CommitConflictError ? failure.conflicts : 0);
      if (conflicts > 0) deps.metrics.addMetric("ConflictRetries", MetricUnit.Count, conflicts);
      for (const warning of report?.warnings ?? []) {
        // Not `message`: that key is the log line's own message in Powertools' format.
        const line = warning.line === undefined ? {} : { line: warning.line };
        deps.logger.warn("manifest warning", {
          code: warning.code,
          file: warning.file,
          ...line,
          warning: redactSecrets(warning.message),
        });
      }
      if (deps.events !== undefined) await announceOutcomes(deps, deps.events, summaries);
    } finally {
      deps.metrics.publishStoredMetrics();
    }

    if (invocation.source === "sqs") {
      const failed = summaries.filter(
        (summary) => summary.outcome === "failed" && summary.messageId !== undefined,
      );
      return { batchItemFailures: failed.map((summary) => ({ itemIdentifier: summary.messageId ?? "" })) };
    }
    if (failure !== undefined) {
      throw new HeimdallError(`ECR push not processed, retry the event: ${describe(failure)}`, {
        cause: failure,
      });
    }
    return { events: summaries };
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return redactSecrets(String(error));
  return redactSecrets(error instanceof HeimdallError ? error.message : `${error.name}: ${error.message}`);
}
