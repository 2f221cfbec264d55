import type { EcrPush } from "../event/ecr-push.ts";

/**
 * Collapses a batch to the newest push per ECR repository (by event time; on a tie the later record
 * wins, as SQS FIFO delivers in order). Duplicate events collapse to one. Order of first appearance is kept
 * so commits and logs are stable.
 *
 * Only pushes that can apply compete: a push `applies` rejects (an unmapped repository, a tag the config's
 * filter refuses — `latest` pushed next to `46`) is kept on its own, to be reported, and never hides an
 * older push that does apply. `compare` replaces the event-time order where the config orders by
 * something else (`order: semver`: the highest version wins); on a tie the later record still wins.
 *
 * @example
 * newestPushPerRepository([pushA45, pushB3, pushA46]); // [pushA46, pushB3]
 * newestPushPerRepository([pushA46, pushALatest], (push) => push.tag !== "latest"); // [pushA46, pushALatest]
 */
export function newestPushPerRepository(
  pushes: readonly EcrPush[],
  applies: (push: EcrPush) => boolean = () => true,
  compare: (a: EcrPush, b: EcrPush) => number = byEventTime,
): EcrPush[] {
  const newest = new Map<string, EcrPush>();
  const kept: (EcrPush | string)[] = [];
  for (const push of pushes) {
    if (!applies(push)) {
      kept.push(push);
      continue;
    }
    const seen = newest.get(push.imageRepository);
    if (seen === undefined) kept.push(push.imageRepository);
    if (seen === undefined || compare(push, seen) >= 0) newest.set(push.imageRepository, push);
  }
  return kept.flatMap((entry) => (typeof entry === "string" ? (newest.get(entry) ?? []) : [entry]));
}

function byEventTime(a: EcrPush, b: EcrPush): number {
  return a.time.getTime() - b.time.getTime();
}
