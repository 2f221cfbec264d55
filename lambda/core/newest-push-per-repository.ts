import type { EcrPush } from "./ecr-push.ts";

/**
 * Collapses a batch to the newest push per ECR repository (by event time; on a tie the later record
 * wins, as SQS FIFO delivers in order). Duplicate events collapse to one. Order of first appearance is kept
 * so commits and logs are stable.
 *
 * @example
 * newestPushPerRepository([pushA45, pushB3, pushA46]); // [pushA46, pushB3]
 */
export function newestPushPerRepository(pushes: readonly EcrPush[]): EcrPush[] {
  const newest = new Map<string, EcrPush>();
  for (const push of pushes) {
    const seen = newest.get(push.repository);
    if (seen === undefined || push.time.getTime() >= seen.time.getTime()) newest.set(push.repository, push);
  }
  return [...newest.values()];
}
