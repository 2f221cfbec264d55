import type { ManifestChange, TagAndDigest } from "../edit/manifest-change.ts";

/**
 * One change as a line for people — commit bodies, CLI output, logs:
 * `<file>[ (document n)]: <path> <old> → <new>`. A whole image reference (`field: "image"`) shows only
 * what follows its name (`45 → 46`, `45@sha256:… → 46@sha256:…`) unless one side has neither tag nor
 * digest; a tag or digest field shows its values. Documents count from 1 and the first is not marked.
 *
 * @example
 * describeChange({ file: "apps/a/deploy.yaml", document: 0, path: "spec.template.spec.containers[0].image",
 *   oldValue: "r.example/ns/a:45", newValue: "r.example/ns/a:46", field: "image", matcher: "image-key",
 *   from: { tag: "45", digest: undefined }, to: { tag: "46", digest: undefined } });
 * // "apps/a/deploy.yaml: spec.template.spec.containers[0].image 45 → 46"
 */
export function describeChange(change: ManifestChange): string {
  const where = change.document > 0 ? `${change.file} (document ${change.document + 1})` : change.file;
  const [from, to] = shownValues(change);
  return `${where}: ${change.path} ${from} → ${to}`;
}

// The editor only ever changes what follows an image's name, so the name both references share is dropped.
function shownValues(change: ManifestChange): [string, string] {
  if (change.field !== "image") return [change.oldValue, change.newValue];
  const from = afterName(change.from);
  const to = afterName(change.to);
  return from === "" || to === "" ? [change.oldValue, change.newValue] : [from, to];
}

function afterName(reference: TagAndDigest): string {
  return `${reference.tag ?? ""}${reference.digest === undefined ? "" : `@${reference.digest}`}`;
}
