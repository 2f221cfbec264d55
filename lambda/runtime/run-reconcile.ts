import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { HeimdallError, type ReconcileReport, reconcile, type UpdateManifestsInput } from "../core/index.ts";
import { beforeDeadline } from "./before-deadline.ts";
import type { HandlerDependencies } from "./create-handler.ts";
import { describeError } from "./describe-error.ts";
import { functionRegistry } from "./function-registry.ts";
import { type PendingReconcile, summarizeReconcile } from "./summarize-reconcile.ts";
import type { EventSummary } from "./summarize-report.ts";

/**
 * Runs the invocation's one reconcile (after its pushes) against the function's own registry and summarises
 * it; a reconcile whose pushes failed is not run, and fails with them so the queue keeps their order. Further
 * reconcile requests of the same batch are `no-change`. The reconcile gets the invocation's deadline, and the
 * handler stops waiting for it half a margin later, as for pushes.
 *
 * @example
 * const run = await runReconcile(deps, [{ messageId: "m1" }], undefined, context, { now, deadline, margin });
 * run.summaries; // [{ outcome: "repaired", imageRepository: "snutt-dev/api", tag: "48", … }]
 */
export async function runReconcile(
  deps: HandlerDependencies,
  requests: readonly PendingReconcile[],
  earlier: unknown,
  context: Context | undefined,
  clock: { readonly now: () => number; readonly deadline: number | undefined; readonly margin: number },
): Promise<{ summaries: EventSummary[]; report?: ReconcileReport; failure?: unknown; durationMs: number }> {
  const { now, deadline, margin } = clock;
  const started = now();
  const [first, ...repeats] = requests;
  const correlationId = first?.id ?? `reconcile-${started}`;
  const failed = (reason: string, errorName: string) =>
    requests.map(
      ({ messageId }): EventSummary => ({
        outcome: "failed",
        eventId: correlationId,
        ...(messageId === undefined ? {} : { messageId }),
        reason,
        errorName,
      }),
    );
  if (earlier !== undefined || first === undefined) {
    const reason = "reconcile not run: an earlier record of the batch failed; it is retried with them";
    return { summaries: failed(reason, "NotRun"), durationMs: 0 };
  }
  try {
    const registry = functionRegistry(context?.invokedFunctionArn);
    const report = await beforeDeadline(
      (async () => {
        const { gitops, provenance, reconcile: ports } = await deps.resolve();
        if (ports === undefined) {
          throw new HeimdallError(
            "this handler was built without ECR catalog and history: it cannot reconcile",
          );
        }
        return reconcile({
          gitops,
          ...ports,
          registry,
          update: { ...pickPacing(deps.update), ...(provenance === undefined ? {} : { provenance }) },
          ...(deadline === undefined ? {} : { deadline, now }),
        });
      })(),
      deadline === undefined ? undefined : deadline + margin / 2 - now(),
    );
    const duplicates = repeats.map(
      ({ messageId }): EventSummary => ({
        outcome: "no-change",
        eventId: correlationId,
        ...(messageId === undefined ? {} : { messageId }),
        reason: "another reconcile request of the same batch ran",
      }),
    );
    const summaries = [...summarizeReconcile(first, correlationId, report), ...duplicates];
    return { summaries, report, durationMs: Math.max(0, now() - started) };
  } catch (error) {
    deps.resolve.forget?.();
    const errorName = error instanceof Error ? error.name : typeof error;
    return {
      summaries: failed(describeError(error), errorName),
      failure: error,
      durationMs: Math.max(0, now() - started),
    };
  }
}

function pickPacing(update: HandlerDependencies["update"]): Pick<UpdateManifestsInput, "sleep" | "random"> {
  return {
    ...(update?.sleep === undefined ? {} : { sleep: update.sleep }),
    ...(update?.random === undefined ? {} : { random: update.random }),
  };
}

/**
 * The reconcile's own line (`reconcile done`: what it checked and did) and its `ReconcileDuration` metric.
 *
 * @example
 * recordReconcile({ logger, metrics }, { report, durationMs: 812 });
 */
export function recordReconcile(
  sinks: { readonly logger: Logger; readonly metrics: Metrics },
  run: { readonly report?: ReconcileReport; readonly durationMs: number },
): void {
  sinks.metrics.addMetric("ReconcileDuration", MetricUnit.Milliseconds, run.durationMs);
  const { report } = run;
  if (report === undefined) return;
  const count = (outcome: string) => report.items.filter((item) => item.outcome === outcome).length;
  sinks.logger.info("reconcile done", {
    outcome: report.outcome,
    current: report.current,
    repaired: count("repaired"),
    left: count("left"),
    ...(report.commit === undefined ? {} : { commitSha: report.commit.oid }),
    attempts: report.attempts,
    durationMs: run.durationMs,
  });
}
