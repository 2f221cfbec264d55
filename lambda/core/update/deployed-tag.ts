import { parseImageReference } from "../edit/image-reference.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";

/**
 * The tag a change replaces — what the manifests deploy now: the tag part of an image reference, or a
 * bare tag value (`newTag`, Helm `tag`). `undefined` for a digest value and for a reference without a tag.
 *
 * @example
 * deployedTag({ …, path: "spec.containers[0].image", oldValue: "r.example/ns/app:1.3.0@sha256:…" }); // "1.3.0"
 * deployedTag({ …, path: "images[0].newTag", oldValue: "45" }); // "45"
 * deployedTag({ …, path: "images[0].digest", oldValue: "sha256:…" }); // undefined
 */
export function deployedTag(change: ManifestChange): string | undefined {
  if (change.oldValue.startsWith("sha256:")) return undefined;
  const reference = change.oldValue.includes("/") ? parseImageReference(change.oldValue) : undefined;
  return reference === undefined ? change.oldValue : reference.tag;
}
