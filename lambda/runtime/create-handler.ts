import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse } from "aws-lambda";
import {
  CommitConflictError,
  DeadlineExceededError,
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
      const conflicts =
        report?.conflicts ??
        (failure instanceof CommitConflictError || failure instanceof DeadlineExceededError
          ? failure.conflicts
          : 0);
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
      if (deps.events !== undefined) {
        // A notification never fails a deploy, nor keeps the handler past its deadline.
        await beforeDeadline(
          announceOutcomes(deps, deps.events, summaries),
          deadline === undefined ? undefined : deadline + margin / 2 - now(),
        ).catch((error: unknown) => {
          deps.logger.warn("update events not published", {
            failed: summaries.length,
            reasons: [describe(error)],
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
      throw new HeimdallError(`ECR push not processed, retry the event: ${describe(failure)}`, {
        cause: failure,
      });
    }
    return { events: summaries };
  };
}

/**
 * `work`, unless it is still running `ms` from now: then a {@link DeadlineExceededError}. The work itself
 * cannot be cancelled (it has its own deadline); this only makes sure the handler answers in time.
 */
async function beforeDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  // The work goes on after losing the race; its own failure then has nobody left to hear it.
  work.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeadlineExceededError(
            "the invocation ran out of time before the update finished — the records go back to the queue and will be retried",
          ),
        ),
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return redactSecrets(String(error));
  return redactSecrets(error instanceof HeimdallError ? error.message : `${error.name}: ${error.message}`);
}
