import type { HeimdallConfig } from "../config/heimdall-config.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImageReport } from "../update/outcomes.ts";
import { planUpdate, type UpdatePlan } from "../update/plan-update.ts";
import type { ManifestImage } from "./find-manifest-images.ts";

/** A manifest image judged missed, with the push that would have carried the newest image to it. */
export interface MissedImage {
  readonly image: ManifestImage;
  readonly push: EcrPush;
  readonly reason: string;
  /** What its references say now, for reports. */
  readonly deployedTag: string;
}

/** The repairs as `planUpdate` plans them, and the missed images it would not repair, with why. */
export interface PlannedRepairs {
  /** One push per ECR repository (what the update keeps), with why it is applied. */
  readonly repairs: readonly { readonly push: EcrPush; readonly reason: string }[];
  /** Each repaired image and the changes to its references. */
  readonly repaired: readonly { readonly missed: MissedImage; readonly changes: readonly ManifestChange[] }[];
  readonly unrepaired: readonly { readonly missed: MissedImage; readonly reason: string }[];
  /** The files the repairs edit, as read: the only ones the repair may touch. */
  readonly files: ReadonlyMap<string, string>;
  readonly update: UpdatePlan;
}

/**
 * Plans the repairs exactly as their pushes would apply (`planUpdate`: the same editor, config, paused targets,
 * `order: semver`, pins), over only the files that hold missed images — and keeps only what changes nothing
 * else: a missed image whose references the plan would not all change (paused, a lower version, a pin…) is
 * not repaired, nor is a file whose plan would also change references not judged missed (another registry's
 * reference to the same repository, say). The update keeps one push per ECR repository, so another image of
 * the same repository waits for the next reconcile. Planning repeats until nothing more is set aside.
 *
 * @example
 * const { repairs, update } = planRepairs(missed, snapshot.files, config);
 * update.files; // [{ path: "apps/snutt-dev/api/deployment.yaml", before, after }]
 */
export function planRepairs(
  candidates: readonly MissedImage[],
  files: ReadonlyMap<string, string>,
  config: HeimdallConfig,
): PlannedRepairs {
  const unrepaired: { missed: MissedImage; reason: string }[] = [];
  const winners = new Map<string, EcrPush>();
  for (const { push } of candidates) {
    const seen = winners.get(push.imageRepository);
    if (seen === undefined || push.time.getTime() > seen.time.getTime())
      winners.set(push.imageRepository, push);
  }
  let missed = candidates.filter((entry) => {
    const winner = winners.get(entry.push.imageRepository);
    if (winner === undefined || sameImage(winner, entry.push)) return true;
    const reason = `${winner.registry}/${winner.imageRepository}:${winner.tag} is repaired in this run; the next reconcile looks at this one again`;
    unrepaired.push({ missed: entry, reason });
    return false;
  });

  for (;;) {
    const pushes = [...new Map(missed.map(({ push }) => [pushKey(push), push])).values()];
    const read = new Map(missed.map(({ image }) => [image.file, files.get(image.file) ?? ""] as const));
    const update = planUpdate({ pushes, files: read, config });
    const changed = new Map(update.changes.map((change) => [locationKey(change.file, change), change]));
    const allowed = new Set(missed.flatMap(({ image }) => keysOf(image)));
    const spill = new Set(
      update.changes.filter((c) => !allowed.has(locationKey(c.file, c))).map((c) => c.file),
    );
    const setAside = missed.flatMap((entry) => {
      if (spill.has(entry.image.file)) {
        const reason = `${entry.image.file} also holds references to ${entry.push.imageRepository} that are not missed the same way; left for a push or a person`;
        return [{ missed: entry, reason }];
      }
      if (keysOf(entry.image).every((key) => changed.has(key))) return [];
      const report = update.images.find((image) => image.push === entry.push);
      return [{ missed: entry, reason: whyUnchanged(entry.image, report) }];
    });
    if (setAside.length === 0) {
      const repairs = pushes.map((push) => {
        const mine = missed.filter((entry) => sameImage(entry.push, push));
        const why = mine.map((entry) =>
          mine.length > 1 ? `${entry.image.file}: ${entry.reason}` : entry.reason,
        );
        return { push, reason: why.join("; ") };
      });
      const repaired = missed.map((entry) => ({
        missed: entry,
        changes: keysOf(entry.image).flatMap((key) => changed.get(key) ?? []),
      }));
      return { repairs, repaired, unrepaired, files: read, update };
    }
    unrepaired.push(...setAside);
    missed = missed.filter((entry) => !setAside.some((aside) => aside.missed === entry));
  }
}

/** Why the plan left an image's references as they are: what it skipped them for, or the image's outcome. */
function whyUnchanged(image: ManifestImage, report: ImageReport | undefined): string {
  const keys = new Set(keysOf(image));
  const skipped = report?.skipped?.find((entry) => keys.has(locationKey(entry.file, entry)));
  if (skipped !== undefined) return `the push would not change it: ${skipped.reason}`;
  if (report?.reason !== undefined)
    return `the push would not change it (${report.outcome}): ${report.reason}`;
  return "the push would not change it";
}

const keysOf = (image: ManifestImage) =>
  image.references.map((reference) => locationKey(image.file, reference));
const locationKey = (file: string, at: { document: number; path: string }) =>
  `${file}\0${at.document}\0${at.path}`;
const pushKey = (push: EcrPush) => `${push.registry}/${push.imageRepository}:${push.tag}`;
const sameImage = (a: EcrPush, b: EcrPush) => pushKey(a) === pushKey(b);
