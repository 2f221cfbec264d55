import type { ManifestChange } from "../edit/manifest-change.ts";

/**
 * One change as a line for people — commit bodies, CLI output, logs:
 * `<file>[ (document n)]: <path> <old> → <new>`. When both values are references to the same image,
 * only what follows the name is shown (`45 → 46`); documents count from 1 and the first is not marked.
 *
 * @example
 * describeChange({ file: "apps/a/deploy.yaml", document: 0, path: "spec.template.spec.containers[0].image",
 *   oldValue: "r.example/ns/a:45", newValue: "r.example/ns/a:46" });
 * // "apps/a/deploy.yaml: spec.template.spec.containers[0].image 45 → 46"
 */
export function describeChange(change: ManifestChange): string {
  const where = change.document > 0 ? `${change.file} (document ${change.document + 1})` : change.file;
  const [from, to] = shortenValues(change.oldValue, change.newValue);
  return `${where}: ${change.path} ${from} → ${to}`;
}

// Drops the image name both values share: `…/snutt-timetable:45` → `…:46` reads as `45 → 46`.
function shortenValues(oldValue: string, newValue: string): [string, string] {
  const before = splitReference(oldValue);
  const after = splitReference(newValue);
  if (before.name === after.name && before.reference !== "" && after.reference !== "") {
    return [before.reference, after.reference];
  }
  return [oldValue, newValue];
}

/** `name:tag@digest` → name, and the rest without its leading `:` (a digest keeps its `@`). */
function splitReference(value: string): { name: string; reference: string } {
  const at = value.indexOf("@");
  const head = at < 0 ? value : value.slice(0, at);
  const colon = head.indexOf(":", head.lastIndexOf("/") + 1);
  const name = colon < 0 ? head : head.slice(0, colon);
  const rest = value.slice(name.length);
  return { name, reference: rest.startsWith(":") ? rest.slice(1) : rest };
}
