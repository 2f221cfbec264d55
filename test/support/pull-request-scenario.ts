import { captureOutput, summaryLines } from "./capture-output.ts";
import { deployment, pushEvent, sqsBatch } from "./lambda-events.ts";

/** The dev and prod manifests of the pull request scenarios, and the prod image's proposal branch. */
export const DEV = "apps/snutt-dev/snutt-timetable/deployment.yaml";
export const PROD = "apps/snutt-prod/snutt-timetable/deployment.yaml";
export const BRANCH = "heimdall/snutt-prod/snutt-timetable";

/**
 * A GitOps repository whose `.heimdall.yaml` has `targets` (YAML lines below `targets:`), with the dev and prod
 * timetable at tag 45.
 */
export function pullRequestRepository(targets: string): Record<string, string> {
  return {
    ".heimdall.yaml": `version: 1\ntargets:\n${targets}`,
    [DEV]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    [PROD]: deployment("snutt-timetable", "snutt-prod/snutt-timetable:45"),
  };
}

/** A push of the prod timetable. */
export const prodPush = (tag: string) => pushEvent("snutt-prod/snutt-timetable", tag);

/** Runs `events` as one SQS batch and returns the answer, every log line and the summary lines. */
export async function runBatch(
  handler: (event: unknown) => Promise<unknown>,
  ...events: Record<string, unknown>[]
) {
  const { result, lines } = await captureOutput(() => handler(sqsBatch(events)));
  return { result, lines, summaries: summaryLines(lines) };
}
