import type { SkippedReference } from "./outcomes.ts";

/**
 * One reference a push left alone, as a line for people — CLI output and summary logs:
 * `<file>[ (document n)]: <path> <value> (<reason>)`; documents count from 1 and the first is not marked.
 *
 * @example
 * describeSkipped({ file: "apps/a/deploy.yaml", document: 0, path: "spec.template.spec.containers[0].image",
 *   value: "r.example/ns/a:1.3.0", why: "pinned", reason: "pinned by # heimdall:pin" });
 * // "apps/a/deploy.yaml: spec.template.spec.containers[0].image r.example/ns/a:1.3.0 (pinned by # heimdall:pin)"
 */
export function describeSkipped(skipped: SkippedReference): string {
  const where = skipped.document > 0 ? `${skipped.file} (document ${skipped.document + 1})` : skipped.file;
  return `${where}: ${skipped.path} ${skipped.value} (${skipped.reason})`;
}
