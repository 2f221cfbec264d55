import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import type { ImageReport } from "./outcomes.ts";
import type { UpdateWarning } from "./update-warning.ts";

/**
 * Finds pushes that arrived out of order: the tag a manifest holds now was pushed to ECR after this
 * event's push, so applying the event would roll the deployment back. EventBridge delivers at least once
 * and unordered; this is what keeps an old event from winning.
 *
 * A re-push of an old tag (a rollback) is not stale: its event time is new. Times compare in whole
 * seconds, EventBridge's resolution, so a push within the same second is never taken for an older one. When ECR cannot answer
 * (tag deleted, no permission) the push applies and a warning says why it was not checked.
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
): Promise<{ stale: Map<EcrPush, string>; warnings: UpdateWarning[] }> {
  const stale = new Map<EcrPush, string>();
  const warnings: UpdateWarning[] = [];
  await Promise.all(
    plan.images.map(async (image) => {
      const { push, proposed } = image;
      const deployed = [...new Set(image.changes.flatMap((change) => currentTag(change, push)))];
      const tags =
        proposed === undefined || proposed.tag === push.tag || deployed.includes(proposed.tag)
          ? deployed
          : [...deployed, proposed.tag];
      for (const tag of tags) {
        const answer = await clock.pushedAt(
          { registry: push.registry, imageRepository: push.imageRepository, tag },
          deadline === undefined ? {} : { deadline },
        );
        if (answer.kind === "unknown") {
          const file = image.changes[0]?.file ?? "";
          warnings.push({
            code: "stale-check-skipped",
            file,
            message: `could not check when ${push.imageRepository}:${tag} was pushed (${answer.reason}); applied anyway`,
          });
        } else if (wholeSeconds(answer.pushedAt) > wholeSeconds(push.time)) {
          const where = deployed.includes(tag) ? "in the manifests" : `proposed on ${proposed?.branch ?? ""}`;
          stale.set(
            push,
            `tag ${tag} ${where} was pushed at ${answer.pushedAt.toISOString()}, after this push (${push.time.toISOString()})`,
          );
          return;
        }
      }
    }),
  );
  return { stale, warnings };
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
