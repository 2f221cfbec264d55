import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import type { ImageReport } from "./outcomes.ts";
import { type OwnPushTime, ownPushTimes } from "./own-push-times.ts";
import type { UpdateWarning } from "./update-warning.ts";

/**
 * Finds pushes that arrived out of order: the tag a manifest holds now was pushed to ECR after this
 * event's push, so applying the event would roll the deployment back. EventBridge delivers at least once
 * and unordered; this is what keeps an old event from winning.
 *
 * The push's own time is ECR's millisecond push time of its tag (see `ownPushTimes`; `known` holds those
 * already asked, and is filled in), so of two pushes in the same second the earlier one is stale. When ECR
 * has no time for the pushed tag, the event time is used and times compare in whole seconds (EventBridge's
 * resolution), so a push within the same second is never taken for an older one. A re-push of an old tag (a
 * rollback) is not stale: its event time is new. All lookups go out at once (the adapter batches them per
 * repository). When ECR cannot say when the deployed tag was pushed (tag deleted, no permission) the push
 * applies and a warning says why it was not checked.
 *
 * An image may also name the tag its open pull request proposes (`proposed`): a push older than that is stale
 * too, so an older push never replaces a newer proposal.
 *
 * @example
 * const { stale } = await findStalePushes(plan, clock);
 * stale.get(push); // "tag 47 in the manifests was pushed at 2026-11-20T10:05:00.000Z, after this push (…)"
 */
export async function findStalePushes(
  plan: {
    readonly images: readonly (Pick<ImageReport, "push" | "changes"> & {
      /** The tag and branch of the image's open pull request, when it proposes another tag. */
      readonly proposed?: { readonly tag: string; readonly branch: string };
    })[];
  },
  clock: ImagePushClock,
  deadline?: number,
  known: Map<EcrPush, OwnPushTime> = new Map(),
): Promise<{ stale: Map<EcrPush, string>; warnings: UpdateWarning[] }> {
  const stale = new Map<EcrPush, string>();
  const warnings: UpdateWarning[] = [];
  const checked = plan.images.flatMap((image) => {
    const { push, proposed } = image;
    const deployed = [...new Set(image.changes.flatMap((change) => currentTag(change, push)))];
    const tags =
      proposed === undefined || proposed.tag === push.tag || deployed.includes(proposed.tag)
        ? deployed
        : [...deployed, proposed.tag];
    return tags.length === 0 ? [] : [{ image, deployed, tags }];
  });
  const ask = checked.map(({ image }) => image.push).filter((push) => !known.has(push));
  const [own, answers] = await Promise.all([
    ownPushTimes(ask, clock, deadline),
    Promise.all(
      checked.map(({ image, tags }) =>
        Promise.all(
          tags.map((tag) =>
            clock.pushedAt(
              { registry: image.push.registry, imageRepository: image.push.imageRepository, tag },
              deadline === undefined ? {} : { deadline },
            ),
          ),
        ),
      ),
    ),
  ]);
  for (const [push, time] of own) known.set(push, time);
  checked.forEach(({ image, deployed, tags }, index) => {
    const { push, proposed } = image;
    const mine = known.get(push) ?? { time: push.time, precise: false };
    tags.forEach((tag, at) => {
      const answer = answers[index]?.[at];
      if (answer === undefined || stale.has(push)) return;
      if (answer.kind === "unknown") {
        warnings.push({
          code: "stale-check-skipped",
          file: image.changes[0]?.file ?? "",
          message: `could not check when ${push.imageRepository}:${tag} was pushed (${answer.reason}); applied anyway`,
        });
      } else if (isAfter(answer.pushedAt, mine)) {
        const where = deployed.includes(tag) ? "in the manifests" : `proposed on ${proposed?.branch ?? ""}`;
        stale.set(
          push,
          `tag ${tag} ${where} was pushed at ${answer.pushedAt.toISOString()}, after this push (${mine.time.toISOString()})`,
        );
      }
    });
  });
  return { stale, warnings };
}

function isAfter(deployed: Date, mine: OwnPushTime): boolean {
  if (mine.precise) return deployed.getTime() > mine.time.getTime();
  return wholeSeconds(deployed) > wholeSeconds(mine.time);
}

// EventBridge `time` has whole seconds while ECR's push time may not: a push in the same second as the
// deployed one must not count as older, or two quick pushes could drop the second.
function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The tag a change replaces, as the change spells it: an image reference's tag or a bare tag field's value. */
function currentTag(change: ManifestChange, push: EcrPush): string[] {
  const tag = change.from.tag;
  return tag === undefined || tag === push.tag ? [] : [tag];
}
