import { editImageTags } from "../edit/edit-image-tags.ts";
import type { TagAndDigest } from "../edit/manifest-change.ts";
import { UnsafeEditError } from "../edit/unsafe-edit-error.ts";

/**
 * One image as one manifest file deploys it: every reference the editor would rewrite for
 * `registry/imageRepository` in `file`, with what each says now and the lines they stand on.
 */
export interface ManifestImage {
  readonly file: string;
  /** The registry host the references are written with (lowercase). */
  readonly registry: string;
  readonly imageRepository: string;
  /** Every reference: where it is, its value now and the tag and digest that value spells. */
  readonly references: readonly {
    readonly document: number;
    readonly path: string;
    readonly value: string;
    readonly deployed: TagAndDigest;
  }[];
  /** 1-based lines of `file` that hold those values. */
  readonly lines: readonly number[];
}

// A tag and digest no image carries, so that every reference the editor recognises shows up as a change.
const PROBE_TAG = "heimdall-reconcile-probe";
const PROBE_DIGEST = `sha256:${"0".repeat(64)}`;
// What may follow `<host>/` in an image reference: an ECR repository name, up to its tag or digest.
const NAME_AFTER_HOST = /^[a-z0-9][a-z0-9._/-]*/;
// Helm-style `repository: team/app` next to `registry: <host>`: the name is not written after the host.
const REPOSITORY_VALUE = /\brepository["']?[ \t]*:[ \t]*["']?([a-z0-9][a-z0-9._/-]*)/g;

/**
 * Finds every image the files deploy from `registries`, as the editor sees them: candidates are names
 * written after a registry host (`image:`, kustomize `newName`, Helm full references) or as a Helm
 * `repository:` in a file that names the host; each candidate is then put to the editor itself
 * (`editImageTags` with a tag no image has), so exactly the references a push would rewrite are found —
 * the three matchers, aliases, and whatever the editor leaves alone (a pin) stays out.
 *
 * Files that are not valid UTF-8, do not parse (or nest too deep, or use what the editor cannot rewrite), or
 * whose edit would be unsafe are passed over: the event
 * path would skip them too, and reports them when it plans. Results are sorted by file, registry and name.
 *
 * @example
 * findManifestImages(new Map([["apps/a/deploy.yaml", "image: 4059….amazonaws.com/a/api:46\n"]]), ["4059….amazonaws.com"]);
 * // [{ file: "apps/a/deploy.yaml", registry: "4059….amazonaws.com", imageRepository: "a/api",
 * //    references: [{ document: 0, path: "image", value: "4059….amazonaws.com/a/api:46" }], lines: [1] }]
 */
export function findManifestImages(
  files: ReadonlyMap<string, string>,
  registries: readonly string[],
): ManifestImage[] {
  const hosts = [...new Set(registries.map((registry) => registry.toLowerCase()))];
  const found: ManifestImage[] = [];
  for (const file of [...files.keys()].sort()) {
    const text = files.get(file) ?? "";
    if (text.includes("\uFFFD")) continue;
    for (const [registry, names] of candidates(text, hosts)) {
      for (const imageRepository of [...names].sort()) {
        const image = probe(file, text, registry, imageRepository);
        if (image === "unparseable") break;
        if (image !== undefined) found.push(image);
      }
    }
  }
  return found;
}

function candidates(text: string, hosts: readonly string[]): Map<string, Set<string>> {
  const lower = text.toLowerCase();
  const byHost = new Map<string, Set<string>>();
  for (const host of [...hosts].sort()) {
    const names = new Set<string>();
    for (let at = lower.indexOf(`${host}/`); at >= 0; at = lower.indexOf(`${host}/`, at + 1)) {
      const name = NAME_AFTER_HOST.exec(lower.slice(at + host.length + 1, at + host.length + 258))?.[0];
      if (name !== undefined) names.add(name.replace(/[._/-]+$/, ""));
    }
    if (lower.includes(host)) {
      for (const match of text.matchAll(REPOSITORY_VALUE)) if (match[1] !== undefined) names.add(match[1]);
    }
    if (names.size > 0) byHost.set(host, names);
  }
  return byHost;
}

function probe(
  file: string,
  text: string,
  registry: string,
  imageRepository: string,
): ManifestImage | "unparseable" | undefined {
  let outcome: ReturnType<typeof editImageTags>;
  try {
    outcome = editImageTags(file, text, {
      registries: [registry],
      imageRepository,
      tag: PROBE_TAG,
      digest: PROBE_DIGEST,
    });
  } catch (error) {
    if (error instanceof UnsafeEditError) return undefined;
    throw error;
  }
  // A file that does not parse (or nests too deep) fails for every image; an unsupported form is this image's.
  if (outcome.kind === "unparseable" || outcome.kind === "too-deep") return "unparseable";
  if (outcome.kind !== "edited") return undefined;
  if (outcome.changes.length === 0) return undefined;
  return {
    file,
    registry,
    imageRepository,
    references: outcome.changes.map(({ document, path, oldValue, from }) => ({
      document,
      path,
      value: oldValue,
      deployed: from,
    })),
    lines: changedLines(text, outcome.text),
  };
}

/** 1-based lines that differ; every line when an edit changed the line count (then nothing can be told apart). */
function changedLines(before: string, after: string): number[] {
  const old = before.split("\n");
  const edited = after.split("\n");
  if (old.length !== edited.length) return old.map((_, index) => index + 1);
  return old.flatMap((line, index) => (line === edited[index] ? [] : [index + 1]));
}
