import type { EcrPush } from "../event/ecr-push.ts";
import type { ImagePushClock, PushedAtAnswer } from "./image-push-clock.ts";

/**
 * When ECR's push time of the pushed tag lies this close to the event's time, it is this push's own time to
 * the millisecond; further away, the tag points at an older image pushed again (a rollback), and the event
 * time is what counts.
 */
export const SAME_PUSH_WINDOW_MS = 2000;

/** When a push happened: ECR's own millisecond time (`precise`), or the event's whole-second time. */
export interface OwnPushTime {
  readonly time: Date;
  readonly precise: boolean;
}

/**
 * Asks `clock` (one lookup per push, issued at once so the adapter can batch them per repository) when each
 * push's own tag was pushed, and returns each push's time: ECR's `imagePushedAt` (milliseconds) when it lies
 * within {@link SAME_PUSH_WINDOW_MS} of the event's `time` (whole seconds), else the event time. Two pushes
 * of one image in the same second are then ordered as ECR saw them, not as their events arrived.
 *
 * @example
 * const times = await ownPushTimes([push14, push13], clock, deadline);
 * times.get(push14); // { time: 2026-11-20T00:10:00.700Z, precise: true }
 */
export async function ownPushTimes(
  pushes: readonly EcrPush[],
  clock: ImagePushClock,
  deadline: number | undefined,
): Promise<Map<EcrPush, OwnPushTime>> {
  const answers = await Promise.all(
    pushes.map((push) =>
      clock.pushedAt(
        { registry: push.registry, imageRepository: push.imageRepository, tag: push.tag },
        deadline === undefined ? {} : { deadline },
      ),
    ),
  );
  return new Map(pushes.map((push, index) => [push, ownTime(push, answers[index])]));
}

function ownTime(push: EcrPush, answer: PushedAtAnswer | undefined): OwnPushTime {
  if (answer?.kind !== "known") return { time: push.time, precise: false };
  const apart = Math.abs(answer.pushedAt.getTime() - push.time.getTime());
  return apart <= SAME_PUSH_WINDOW_MS
    ? { time: answer.pushedAt, precise: true }
    : { time: push.time, precise: false };
}
