import { parse, type SemVer } from "semver";
import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import { type EditOutcome, editImageTags } from "../edit/edit-image-tags.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import { UnsafeEditError } from "../edit/unsafe-edit-error.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { editSkipWarning } from "./edit-skip-warning.ts";
import type { ImageReport, SkippedReference } from "./outcomes.ts";
import { unreadFileWarning } from "./unread-file-warning.ts";
import type { UpdateWarning } from "./update-warning.ts";

/** The whole update as data: per-image outcomes, every changed scalar, and the files' new text. */
export interface UpdatePlan {
  readonly images: readonly ImageReport[];
  readonly changes: readonly ManifestChange[];
  readonly files: readonly { readonly path: string; readonly before: string; readonly after: string }[];
  readonly warnings: readonly UpdateWarning[];
  /** Changes the `order: semver` rule already judged: the push-time stale check leaves them alone. */
  readonly versionChecked: ReadonlySet<ManifestChange>;
}

const PINNED_REASON = "pinned by a # heimdall:pin comment";

/** The size above which a manifest is skipped unread (`too-large`) unless the caller sets another: 1 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 1_048_576;

/** How the targets that cover one file let a push edit it. */
interface FileCover {
  readonly registries: readonly string[];
  readonly pinDigest: boolean;
  readonly order: "push-time" | "semver";
  /** Set when a paused target covers the file: its reason, and nothing in the file changes. */
  readonly paused?: string;
}

// Only a manual push lacks a digest, and the editor writes one wherever a reference needs it: given this
// probe instead, any change carrying it marks a reference that needs the real digest, and the file is
// skipped — the probe itself is never written.
const DIGEST_PROBE = `sha256:${"0".repeat(64)}`;

/**
 * Which files a plan edits: `direct` only those no `pullRequest:` target of the push covers (they are
 * committed to the branch), `proposal` only those one does (they go to the image's pull request).
 */
export type PlanRoute = "direct" | "proposal";

/**
 * Plans the edits `pushes` make to `files` under `config` — pure: text in, changes as data out.
 *
 * Pushes are applied in order to the evolving text, so two images in one file both land. A file that
 * mentions the image but is larger than `maxFileBytes` (UTF-8 bytes, default {@link DEFAULT_MAX_FILE_BYTES};
 * checked before anything is parsed), is not valid UTF-8, does not parse, nests too deep, spells a
 * reference in a way that cannot be edited exactly, or whose edit would change anything but the intended
 * values, is left as it is and reported in `warnings` with its code; the other files still update. Files
 * are visited in path order so the result (and the commit it becomes) is deterministic.
 *
 * A reference a `# heimdall:pin` comment holds is left as it is and listed as skipped (`pinned`); under a
 * `pinDigest` target every reference gets the pushed digest too (a re-push of the same digest changes nothing).
 *
 * The operator's policy is applied per file: a file a `paused` target covers is left as it is (its
 * references are reported as `skipped`, and a push with nothing else to change is `paused`); under
 * `order: semver` a file where the push would lower a deployed version is left as it is (a push with
 * nothing else to change is `stale`, reason `older version 1.2.5 < 1.3.0`); a deployed tag that is not a
 * semantic version never blocks. A manual push without a digest skips, with a `digest-required` warning,
 * every file where a reference would need one.
 *
 * With `route`, only the files of that route are edited: a file a push's active `pullRequest:` target covers
 * is a proposal for that push, whatever other targets cover it; every other file is direct.
 *
 * @example
 * const plan = planUpdate({ pushes: [push], files: snapshot.files, config: DEFAULT_CONFIG });
 * plan.files; // [{ path: "apps/snutt-dev/snutt-timetable/deployment.yaml", before, after }]
 */
export function planUpdate(input: {
  readonly pushes: readonly EcrPush[];
  readonly files: ReadonlyMap<string, string>;
  readonly config: HeimdallConfig;
  /** Only edit the files of this route; every file when absent. */
  readonly route?: PlanRoute;
  /** Each push's targets under `config`, when the caller resolved them already (once per round). */
  readonly resolutions?: ReadonlyMap<EcrPush, TargetResolution>;
  /** Manifests larger than this many UTF-8 bytes are skipped with a `too-large` warning. */
  readonly maxFileBytes?: number | undefined;
}): UpdatePlan {
  const maxFileBytes = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const paths = [...input.files.keys()].sort();
  const current = new Map(input.files);
  const warnings = new Map<string, UpdateWarning>();
  const images: ImageReport[] = [];
  const versionChecked = new Set<ManifestChange>();

  for (const push of input.pushes) {
    const resolution = input.resolutions?.get(push) ?? resolveTargets(push, input.config);
    if (resolution.kind !== "targets") {
      images.push({ push, outcome: resolution.kind, reason: resolution.reason, changes: [] });
      continue;
    }
    const version = parse(push.tag);
    const changes: ManifestChange[] = [];
    const skipped: SkippedReference[] = [];
    for (const path of paths) {
      const cover = coverOf(path, resolution, input.route);
      const text = current.get(path);
      if (cover === undefined || text === undefined) continue;
      const edited = editFile(path, text, push, cover, warnings, maxFileBytes);
      for (const held of edited?.pinned ?? [])
        skipped.push({ ...held, why: "pinned", reason: PINNED_REASON });
      if (edited === undefined || edited.changes.length === 0) continue;
      if (cover.paused !== undefined) {
        skipped.push(...edited.changes.map((change) => skip(change, "paused", cover.paused ?? "")));
        continue;
      }
      if (cover.order === "semver" && version !== null) {
        const older = edited.changes.flatMap((change) => olderThanDeployed(change, version));
        if (older.length > 0) {
          skipped.push(...older);
          continue;
        }
        for (const change of edited.changes) versionChecked.add(change);
      }
      current.set(path, edited.text);
      changes.push(...edited.changes);
    }
    images.push(imageReport(push, changes, skipped));
  }

  const files = paths.flatMap((path) => {
    const before = input.files.get(path) ?? "";
    const after = current.get(path) ?? before;
    return after === before ? [] : [{ path, before, after }];
  });
  return {
    images,
    changes: images.flatMap((image) => image.changes),
    files,
    warnings: [...warnings.values()],
    versionChecked,
  };
}

/** Edits one file for one push; `undefined` when the file is skipped (the warning is recorded). */
function editFile(
  path: string,
  text: string,
  push: EcrPush,
  cover: FileCover,
  warnings: Map<string, UpdateWarning>,
  maxFileBytes: number,
): Extract<EditOutcome, { kind: "edited" }> | undefined {
  // A file that does not mention the image cannot change: it is neither read nor warned about.
  if (!text.includes(push.imageRepository)) return undefined;
  const refusal = unreadFileWarning(path, text, maxFileBytes);
  if (refusal !== undefined) {
    warnings.set(path, refusal);
    return undefined;
  }
  let outcome: EditOutcome;
  try {
    outcome = editImageTags(path, text, {
      registries: cover.registries,
      imageRepository: push.imageRepository,
      tag: push.tag,
      digest: push.digest ?? DIGEST_PROBE,
      pinDigest: cover.pinDigest,
    });
  } catch (error) {
    if (!(error instanceof UnsafeEditError)) throw error;
    warnings.set(path, { code: "unsafe-edit", file: path, message: `skipped ${path}: ${error.message}` });
    return undefined;
  }
  if (outcome.kind !== "edited") {
    warnings.set(path, editSkipWarning(path, outcome));
    return undefined;
  }
  const needsDigest = outcome.changes.find((change) => change.to.digest === DIGEST_PROBE);
  if (needsDigest !== undefined) {
    warnings.set(path, {
      code: "digest-required",
      file: path,
      message: `skipped ${path}: ${needsDigest.path} ${needsDigest.from.digest === undefined ? "gets a digest under pinDigest" : "is pinned by digest"} and the push names none — give the digest, e.g. --image ${push.registry}/${push.imageRepository}:${push.tag}@sha256:…`,
    });
    return undefined;
  }
  return outcome;
}

/** Every target, active or paused, that covers `path`, folded into one rule; `undefined` when none does. */
function coverOf(
  path: string,
  resolution: Extract<TargetResolution, { kind: "targets" }>,
  route: PlanRoute | undefined,
): FileCover | undefined {
  const active = resolution.targets.filter((target) => target.paths.matches(path));
  const paused = resolution.paused.filter((target) => target.paths.matches(path));
  if (active.length === 0 && paused.length === 0) return undefined;
  const proposed = active.some((target) => target.pullRequest !== undefined);
  if (route !== undefined && route !== (proposed ? "proposal" : "direct")) return undefined;
  return {
    registries: [...new Set([...active, ...paused].flatMap((target) => target.registries))],
    pinDigest: active.some((target) => target.pinDigest),
    // The stricter rule wins where targets overlap: a file some target keeps on a release line stays on it.
    order: active.some((target) => target.order === "semver") ? "semver" : "push-time",
    ...(paused.length === 0 ? {} : { paused: paused.map((target) => target.reason).join("; ") }),
  };
}

function olderThanDeployed(change: ManifestChange, version: SemVer): SkippedReference[] {
  const tag = change.from.tag;
  const deployed = tag === undefined ? null : parse(tag);
  if (deployed === null || version.compare(deployed) >= 0) return [];
  return [skip(change, "older-version", `older version ${version.version} < ${deployed.version}`)];
}

function skip(change: ManifestChange, why: SkippedReference["why"], reason: string): SkippedReference {
  return {
    file: change.file,
    document: change.document,
    path: change.path,
    value: change.oldValue,
    why,
    reason,
  };
}

function imageReport(
  push: EcrPush,
  changes: readonly ManifestChange[],
  skipped: readonly SkippedReference[],
): ImageReport {
  const also = skipped.length === 0 ? {} : { skipped };
  if (changes.length > 0) return { push, outcome: "updated", changes, ...also };
  const reasons = (why: SkippedReference["why"]) => [
    ...new Set(skipped.filter((entry) => entry.why === why).map((entry) => entry.reason)),
  ];
  const older = reasons("older-version");
  if (older.length > 0) return { push, outcome: "stale", reason: older.join("; "), changes, ...also };
  const paused = reasons("paused");
  if (paused.length > 0) return { push, outcome: "paused", reason: paused.join("; "), changes, ...also };
  return { push, outcome: "no-change", changes, ...also };
}
