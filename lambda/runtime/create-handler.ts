import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse } from "aws-lambda";
import {
  CommitConflictError,
  DeadlineExceededError,
  type GitOpsRepository,
  HeimdallError,
  type ImageCatalog,
  type ImageProvenanceReader,
  type ImagePushClock,
  parseEcrEvent,
  parseReconcileRequest,
  type ReconcileReport,
  type ReferenceHistory,
  type UpdateManifestsInput,
  type UpdateReport,
  type UpdateWarning,
  updateManifests,
} from "../core/index.ts";
import { announceOutcomes, type UpdateEvents } from "./announce-outcomes.ts";
import { beforeDeadline } from "./before-deadline.ts";
import { describeError } from "./describe-error.ts";
import { recordSummary } from "./record-summary.ts";
import { redactSecrets } from "./redact-secrets.ts";
import { recordReconcile, runReconcile } from "./run-reconcile.ts";
import { splitLambdaEvent } from "./split-lambda-event.ts";
import type { PendingReconcile } from "./summarize-reconcile.ts";
import { type EventSummary, type PendingPush, summarizeReport } from "./summarize-report.ts";

/** What the handler needs from the outside world; all IO is injected so tests can drive it for real. */
export interface HandlerDependencies {
  /** Repository adapter and optional clock, built lazily once per container (see `memoizeUntilSuccess`). */
  readonly resolve: (() => Promise<{
    readonly gitops: GitOpsRepository;
    readonly clock?: ImagePushClock;
    readonly provenance?: ImageProvenanceReader;
    /** What a reconcile request needs besides `gitops`: the repository's line history and ECR's catalog. */
    readonly reconcile?: { readonly history: ReferenceHistory; readonly catalog: ImageCatalog };
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
  /** Time kept back from the invocation's remaining time; default {@link DEADLINE_SAFETY_MARGIN_MS}. */
  readonly safetyMarginMs?: number;
  /** When set, each event's outcome is also published as a `Heimdall Update` event (see `announceOutcomes`). */
  readonly events?: UpdateEvents;
}

/**
 * Time (ms) an invocation keeps back from Lambda's remaining time: the update's deadline is the remaining
 * time minus this, so that after every wait and request has given up there is still time to log, publish
 * metrics and hand the records back before Lambda would kill the container.
 */
export const DEADLINE_SAFETY_MARGIN_MS = 5_000;

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
 * A reconcile request (`{"source": "ecr-heimdall", "detail-type": "Heimdall Reconcile", "detail": {}}`, directly
 * or as an SQS body) runs `reconcile` once per invocation, after the batch's pushes — a push that arrives with
 * it always wins, and the reconcile judges what the pushes left — against the function's own registry
 * (account and region of `context.invokedFunctionArn`). It logs one line per image repaired or left, a
 * `reconcile done` line, and the `ReconcileDuration` metric. When the pushes before it failed, it is not run
 * and goes back with them.
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
 * - every invocation has a deadline: Lambda's remaining time (`context.getRemainingTimeInMillis()`) minus
 *   {@link DEADLINE_SAFETY_MARGIN_MS}. The update, its commit rounds and every GitHub and ECR wait and
 *   retry give up at it; should anything still be running half a margin later, the handler stops
 *   waiting for it and fails the records (`DeadlineExceededError`) — either way the records go back to
 *   the queue before Lambda kills the container, instead of the whole batch timing out. Work cut off there
 *   cannot overwrite anything: every commit is guarded by the head it read.
 * Messages in logs and thrown errors pass through `redactSecrets`.
 *
 * @example
 * export const handler = createHandler({ resolve: getRuntime, logger, metrics });
 * await handler(sqsEvent, context); // { batchItemFailures: [] }
 */
export function createHandler(deps: HandlerDependencies): HeimdallHandler {
  const now = deps.now ?? Date.now;
  const margin = deps.safetyMarginMs ?? DEADLINE_SAFETY_MARGIN_MS;
  return async (event, context) => {
    const started = now();
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadline = typeof remaining === "number" ? started + remaining - margin : undefined;
    if (context !== undefined) deps.logger.addContext(context);
    const invocation = splitLambdaEvent(event);
    const pending: PendingPush[] = [];
    const reconciles: PendingReconcile[] = [];
    const summaries: EventSummary[] = [];
    let failure: unknown;

    for (const record of invocation.records) {
      const messageId = record.messageId === undefined ? {} : { messageId: record.messageId };
      try {
        const request = parseReconcileRequest(record.body);
        if (request !== undefined) {
          reconciles.push({ ...messageId, ...(request.id === undefined ? {} : { id: request.id }) });
          continue;
        }
        const parsed = parseEcrEvent(record.body);
        if (parsed.kind === "push") pending.push({ push: parsed.push, ...messageId });
        else {
          const eventId = parsed.eventId === undefined ? {} : { eventId: parsed.eventId };
          summaries.push({ outcome: "ignored", ...eventId, ...messageId, reason: parsed.reason });
        }
      } catch (error) {
        summaries.push({ outcome: "invalid", ...messageId, reason: describeError(error) });
      }
    }

    let report: UpdateReport | undefined;
    if (pending.length > 0) {
      try {
        report = await beforeDeadline(
          (async () => {
            const { gitops, clock, provenance } = await deps.resolve();
            return updateManifests({
              ...deps.update,
              pushes: pending.map(({ push }) => push),
              gitops,
              ...(clock === undefined ? {} : { clock }),
              ...(provenance === undefined ? {} : { provenance }),
              ...(deadline === undefined ? {} : { deadline, now }),
            });
          })(),
          deadline === undefined ? undefined : deadline + margin / 2 - now(),
        );
        summaries.push(...summarizeReport(pending, report, now()));
      } catch (error) {
        failure = error;
        deps.resolve.forget?.();
        const reason = describeError(error);
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

    let reconciled: { report?: ReconcileReport; durationMs: number } | undefined;
    if (reconciles.length > 0) {
      const outcome = await runReconcile(deps, reconciles, failure, context, { now, deadline, margin });
      summaries.push(...outcome.summaries);
      failure ??= outcome.failure;
      reconciled = outcome;
    }

    const durationMs = Math.max(0, now() - started);
    try {
      for (const summary of summaries) recordSummary(deps, summary, durationMs);
      const conflicts =
        report?.conflicts ??
        (failure instanceof CommitConflictError || failure instanceof DeadlineExceededError
          ? failure.conflicts
          : 0);
      if (conflicts > 0) deps.metrics.addMetric("ConflictRetries", MetricUnit.Count, conflicts);
      if (reconciled !== undefined) recordReconcile(deps, reconciled);
      const warnings: UpdateWarning[] = [
        ...(report?.warnings ?? []),
        ...(reconciled?.report?.warnings ?? []),
      ];
      for (const warning of warnings) {
        // Not `message`: that key is the log line's own message in Powertools' format.
        const line = warning.line === undefined ? {} : { line: warning.line };
        deps.logger.warn("manifest warning", {
          code: warning.code,
          file: warning.file,
          ...line,
          warning: redactSecrets(warning.message),
        });
      }
      if (deps.events !== undefined) {
        // A notification never fails a deploy, nor keeps the handler past its deadline.
        await beforeDeadline(
          announceOutcomes(deps, deps.events, summaries),
          deadline === undefined ? undefined : deadline + margin / 2 - now(),
        ).catch((error: unknown) => {
          deps.logger.warn("update events not published", {
            failed: summaries.length,
            reasons: [describeError(error)],
          });
        });
      }
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
      throw new HeimdallError(`ECR push not processed, retry the event: ${describeError(failure)}`, {
        cause: failure,
      });
    }
    return { events: summaries };
  };
}
