import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { type ResolvedTarget, resolveTargets } from "../config/resolve-targets.ts";
import { type EditOutcome, editImageTags } from "../edit/edit-image-tags.ts";
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

/** The size above which a manifest is skipped unread (`too-large`) unless the caller sets another: 1 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 1_048_576;

/**
 * Plans the edits `pushes` make to `files` under `config` — pure: text in, changes as data out.
 *
 * Pushes are applied in order to the evolving text, so two images in one file both land. A file that
 * mentions the image but is larger than `maxFileBytes` (UTF-8 bytes, default {@link DEFAULT_MAX_FILE_BYTES}),
 * is not valid UTF-8, does not parse, nests too deep, spells a reference in a way that cannot be edited
 * exactly, or whose edit would change anything but the intended values, is left as it is and reported in
 * `warnings` with its code; the other files still update. Size is checked before anything is parsed.
 * Files are visited in path order so the result (and the commit it becomes) is deterministic.
 *
 * @example
 * const plan = planUpdate({ pushes: [push], files: snapshot.files, config: DEFAULT_CONFIG });
 * plan.files; // [{ path: "apps/snutt-dev/snutt-timetable/deployment.yaml", before, after }]
 */
export function planUpdate(input: {
  readonly pushes: readonly EcrPush[];
  readonly files: ReadonlyMap<string, string>;
  readonly config: HeimdallConfig;
  /** Manifests larger than this many UTF-8 bytes are skipped with a `too-large` warning. */
  readonly maxFileBytes?: number | undefined;
}): UpdatePlan {
  const maxFileBytes = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const paths = [...input.files.keys()].sort();
  const current = new Map(input.files);
  const warnings = new Map<string, UpdateWarning>();
  const images: ImageReport[] = [];

  for (const push of input.pushes) {
    const resolution = resolveTargets(push, input.config);
    if (resolution.kind !== "targets") {
      images.push({ push, outcome: resolution.kind, reason: resolution.reason, changes: [] });
      continue;
    }
    const changes: ManifestChange[] = [];
    for (const path of paths) {
      const registries = registriesFor(path, resolution.targets);
      const text = current.get(path);
      if (registries.length === 0 || text === undefined || !text.includes(push.imageRepository)) continue;
      const refusal = refuseUnread(path, text, maxFileBytes);
      if (refusal !== undefined) {
        warnings.set(path, refusal);
        continue;
      }
      try {
        const outcome = editImageTags(path, text, {
          registries,
          imageRepository: push.imageRepository,
          tag: push.tag,
          digest: push.digest,
        });
        if (outcome.kind !== "edited") {
          warnings.set(path, skippedWarning(path, outcome));
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

// Checks made before a file is parsed. A file that does not mention the image is never refused: it
// cannot change, so saying so would only be noise.
function refuseUnread(path: string, text: string, maxFileBytes: number): UpdateWarning | undefined {
  if (text.length > maxFileBytes || (text.length * 3 > maxFileBytes && utf8Length(text) > maxFileBytes)) {
    return {
      code: "too-large",
      file: path,
      message: `skipped ${path}: ${utf8Length(text)} bytes, over the limit of ${maxFileBytes} bytes — heimdall does not parse files that large`,
    };
  }
  if (text.includes("\uFFFD")) {
    // U+FFFD is what a non-UTF-8 byte decodes to: writing the text back would corrupt those bytes.
    return {
      code: "not-utf8",
      file: path,
      message: `skipped ${path}: not valid UTF-8 (it holds U+FFFD) — heimdall only edits UTF-8 files, to keep every other byte`,
    };
  }
  return undefined;
}

function skippedWarning(
  path: string,
  outcome: Exclude<EditOutcome, { readonly kind: "edited" }>,
): UpdateWarning {
  const where = `${path}:${outcome.line}`;
  switch (outcome.kind) {
    case "unparseable":
      return {
        code: "unparseable",
        file: path,
        line: outcome.line,
        message: `skipped ${where}: not valid YAML (${outcome.message})`,
      };
    case "too-deep":
      return {
        code: "too-deep",
        file: path,
        line: outcome.line,
        message: `skipped ${where}: ${outcome.message}`,
      };
    case "unsupported":
      return {
        code: "unsupported-yaml",
        file: path,
        line: outcome.line,
        message: `skipped ${where}: ${outcome.message}`,
      };
  }
}

// UTF-8 length without encoding a copy: one byte per ASCII unit, two or three per other unit, four per
// surrogate pair (two units).
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 2;
      i++;
    } else if (unit >= 0x800) bytes += 2;
    else if (unit >= 0x80) bytes += 1;
  }
  return bytes;
}

function registriesFor(path: string, targets: readonly ResolvedTarget[]): string[] {
  const registries = new Set<string>();
  for (const target of targets) {
    if (target.paths.matches(path)) for (const registry of target.registries) registries.add(registry);
  }
  return [...registries];
}
