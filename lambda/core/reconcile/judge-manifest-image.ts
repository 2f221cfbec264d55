import { parse, type SemVer } from "semver";
import type { TagAndDigest } from "../edit/manifest-change.ts";
import type { CatalogAnswer, CatalogImage } from "./image-catalog.ts";
import type { LastChange } from "./reference-history.ts";

/**
 * What the reconcile rule says about one manifest image before history is asked:
 * - `current`: every reference already runs the newest image its tag filter accepts;
 * - `drifted`: the newest accepted image (`tag`) is newer than what is deployed — missed, unless the
 *   references changed after it was pushed (see {@link judgeLastChange});
 * - `left`: nothing to do, with why; with a `warning` code when an operator should look: `ecr-unanswered`
 *   (ECR could not list the repository) or `several-tags` (the newest image carries several accepted tags
 *   and none is the manifest's: the reconcile never guesses).
 */
export type Judgement =
  | { readonly kind: "current"; readonly tag: string }
  | {
      readonly kind: "drifted";
      readonly image: CatalogImage;
      readonly tag: string;
      readonly deployedTag: string;
      readonly deployedPushedAt?: Date;
    }
  | {
      readonly kind: "left";
      readonly reason: string;
      readonly deployedTag: string;
      readonly newestTag?: string;
      readonly warning?: "ecr-unanswered" | "several-tags";
    };

/**
 * Judges the references of one image in one file against ECR's tagged images (`catalog`).
 *
 * The newest image with at least one tag `accepts` lets through is the one the references should run: newest
 * by `pushedAt`, or under `order: semver` by the highest version among its accepted tags, then by `pushedAt`
 * (same time: the larger digest, for a stable answer). They are current when each runs it (its digest
 * where the reference pins one, else one of its tags). Otherwise the tag to deploy is the manifest's own tag
 * when the newest image carries it (a moved mutable tag), else its only accepted tag; several accepted tags,
 * none the manifest's → `left`, ambiguous. The push is newer than what is deployed only when it was pushed
 * strictly after every deployed tag ECR still knows — under `order: semver`, when its version is higher than the
 * deployed one (a deployed tag that is not a version falls back to push times).
 *
 * @example
 * judgeManifestImage([{ tag: "47", digest: undefined }], { kind: "images", images: [{ digest, tags: ["48"], pushedAt }, …] },
 *   (tag) => /^\d+$/.test(tag));
 * // { kind: "drifted", image: { tags: ["48"], … }, tag: "48", deployedTag: "47", deployedPushedAt }
 */
export function judgeManifestImage(
  deployed: readonly TagAndDigest[],
  catalog: CatalogAnswer,
  accepts: (tag: string) => boolean,
  order: "push-time" | "semver" = "push-time",
): Judgement {
  const deployedTag = [...new Set(deployed.map((image) => image.tag ?? image.digest ?? "?"))]
    .sort(compareText)
    .join(", ");
  if (catalog.kind === "unknown") {
    return { kind: "left", deployedTag, warning: "ecr-unanswered", reason: catalog.reason };
  }
  const { images } = catalog;
  const [best] = images
    .map((image) => ({ image, accepted: image.tags.filter(accepts).sort(compareText) }))
    .filter((entry) => entry.accepted.length > 0)
    .map((entry) => ({ ...entry, version: order === "semver" ? highestVersion(entry.accepted) : null }))
    .sort(
      (a, b) =>
        (a.version !== null && b.version !== null ? b.version.compare(a.version) : 0) ||
        b.image.pushedAt.getTime() - a.image.pushedAt.getTime() ||
        compareText(b.image.digest, a.image.digest),
    );
  if (best === undefined) {
    return { kind: "left", deployedTag, reason: "no tagged image in ECR passes the target's tags filter" };
  }
  const { image: newest, accepted } = best;
  const runsNewest = (image: TagAndDigest) =>
    image.digest !== undefined
      ? image.digest === newest.digest
      : image.tag !== undefined && newest.tags.includes(image.tag);
  const own = deployed.find((image) => image.tag !== undefined && accepted.includes(image.tag))?.tag;
  if (deployed.every(runsNewest)) return { kind: "current", tag: own ?? accepted[0] ?? "" };

  const tag = own ?? (accepted.length === 1 ? accepted[0] : undefined);
  if (tag === undefined) {
    return {
      kind: "left",
      deployedTag,
      warning: "several-tags",
      reason: `several tags on the newest image: ${accepted.join(", ")} — narrow tags`,
    };
  }
  const pushTimes = deployed.flatMap((image) => {
    const match = images.find((candidate) =>
      image.digest !== undefined
        ? candidate.digest === image.digest
        : image.tag !== undefined && candidate.tags.includes(image.tag),
    );
    return match === undefined ? [] : [match.pushedAt.getTime()];
  });
  const deployedPushedAt = pushTimes.length === 0 ? undefined : new Date(Math.max(...pushTimes));
  const deployedVersion =
    best.version === null ? null : highestVersion(deployed.flatMap((ref) => ref.tag ?? []));
  if (best.version !== null && deployedVersion !== null) {
    if (best.version.compare(deployedVersion) <= 0) {
      return {
        kind: "left",
        deployedTag,
        newestTag: tag,
        reason: `version ${deployedVersion.version} is deployed, not lower than ${best.version.version} (${tag})`,
      };
    }
  } else if (deployedPushedAt !== undefined && newest.pushedAt.getTime() <= deployedPushedAt.getTime()) {
    return {
      kind: "left",
      deployedTag,
      newestTag: tag,
      reason: `${deployedTag} was pushed at ${deployedPushedAt.toISOString()}, not before ${tag} (${newest.pushedAt.toISOString()})`,
    };
  }
  return {
    kind: "drifted",
    image: newest,
    tag,
    deployedTag,
    ...(deployedPushedAt === undefined ? {} : { deployedPushedAt }),
  };
}

/**
 * The second half of the rule: a drifted image was missed only when it was pushed after the last change of
 * its references too. Commit times have whole seconds, so a push in the same second as the change counts as
 * before it — a tie is a decision, not drift.
 *
 * @example
 * judgeLastChange(drifted, { at: new Date("2026-11-20T10:10:00Z"), commit: "4f1c2ab…" });
 * // { missed: false, reason: "the reference changed at 2026-11-20T10:10:00.000Z (commit 4f1c2ab), after 48 was pushed …" }
 */
export function judgeLastChange(
  drifted: Extract<Judgement, { kind: "drifted" }>,
  change: LastChange,
): { readonly missed: boolean; readonly reason: string } {
  const pushed = `${drifted.tag} was pushed at ${drifted.image.pushedAt.toISOString()}`;
  const changed = `changed at ${change.at.toISOString()} (commit ${change.commit.slice(0, 7)})`;
  if (Math.floor(drifted.image.pushedAt.getTime() / 1000) > Math.floor(change.at.getTime() / 1000)) {
    const deployed =
      drifted.deployedPushedAt === undefined
        ? `${drifted.deployedTag} (no longer in ECR)`
        : `${drifted.deployedTag} (pushed ${drifted.deployedPushedAt.toISOString()})`;
    return { missed: true, reason: `${pushed}, after ${deployed} and after the reference ${changed}` };
  }
  return {
    missed: false,
    reason: `the reference ${changed}, after ${pushed}: a rollback or pin is a decision, not drift`,
  };
}

function highestVersion(tags: readonly string[]): SemVer | null {
  let highest: SemVer | null = null;
  for (const tag of tags) {
    const version = parse(tag);
    if (version !== null && (highest === null || version.compare(highest) > 0)) highest = version;
  }
  return highest;
}

// Code-unit order, not locale order: the answer must not depend on the Lambda's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
