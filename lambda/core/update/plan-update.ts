import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { type ResolvedTarget, resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import { editImageTags } from "../edit/edit-image-tags.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import { UnsafeEditError } from "../edit/unsafe-edit-error.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImageReport } from "./outcomes.ts";
import type { UpdateWarning } from "./update-warning.ts";

/** The whole update as data: per-image outcomes, every changed scalar, and the files' new text. */
export interface UpdatePlan {
  readonly images: readonly ImageReport[];
  readonly changes: readonly ManifestChange[];
  readonly files: readonly { readonly path: string; readonly before: string; readonly after: string }[];
  readonly warnings: readonly UpdateWarning[];
}

/**
 * Plans the edits `pushes` make to `files` under `config` — pure: text in, changes as data out.
 *
 * Pushes are applied in order to the evolving text, so two images in one file both land. A file that
 * does not parse, is not valid UTF-8, or whose edit would change anything but the intended values, is
 * left as it is and reported in `warnings`; the other files still update. Files are visited in path order so the result
 * (and the commit it becomes) is deterministic.
 *
 * @example
 * const plan = planUpdate({ pushes: [push], files: snapshot.files, config: DEFAULT_CONFIG });
 * plan.files; // [{ path: "apps/snutt-dev/snutt-timetable/deployment.yaml", before, after }]
 */
export function planUpdate(input: {
  readonly pushes: readonly EcrPush[];
  readonly files: ReadonlyMap<string, string>;
  readonly config: HeimdallConfig;
  /** Each push's targets under `config`, when the caller resolved them already (once per round). */
  readonly resolutions?: ReadonlyMap<EcrPush, TargetResolution>;
}): UpdatePlan {
  const paths = [...input.files.keys()].sort();
  const current = new Map(input.files);
  const warnings = new Map<string, UpdateWarning>();
  const images: ImageReport[] = [];

  for (const push of input.pushes) {
    const resolution = input.resolutions?.get(push) ?? resolveTargets(push, input.config);
    if (resolution.kind !== "targets") {
      images.push({ push, outcome: resolution.kind, reason: resolution.reason, changes: [] });
      continue;
    }
    const changes: ManifestChange[] = [];
    for (const path of paths) {
      const registries = registriesFor(path, resolution.targets);
      const text = current.get(path);
      if (registries.length === 0 || text === undefined) continue;
      if (text.includes("\uFFFD") && text.includes(push.imageRepository)) {
        // U+FFFD is what a non-UTF-8 byte decodes to: writing the text back would corrupt those bytes.
        warnings.set(path, {
          code: "not-utf8",
          file: path,
          message: `skipped ${path}: not valid UTF-8 (it holds U+FFFD) — heimdall only edits UTF-8 files, to keep every other byte`,
        });
        continue;
      }
      try {
        const outcome = editImageTags(path, text, {
          registries,
          imageRepository: push.imageRepository,
          tag: push.tag,
          digest: push.digest,
        });
        if (outcome.kind === "unparseable") {
          warnings.set(path, {
            code: "unparseable",
            file: path,
            line: outcome.line,
            message: `skipped ${path}:${outcome.line}: not valid YAML (${outcome.message})`,
          });
          continue;
        }
        if (outcome.changes.length > 0) {
          current.set(path, outcome.text);
          changes.push(...outcome.changes);
        }
      } catch (error) {
        if (!(error instanceof UnsafeEditError)) throw error;
        warnings.set(path, { code: "unsafe-edit", file: path, message: `skipped ${path}: ${error.message}` });
      }
    }
    images.push({ push, outcome: changes.length > 0 ? "updated" : "no-change", changes });
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
  };
}

function registriesFor(path: string, targets: readonly ResolvedTarget[]): string[] {
  const registries = new Set<string>();
  for (const target of targets) {
    if (target.paths.matches(path)) for (const registry of target.registries) registries.add(registry);
  }
  return [...registries];
}
