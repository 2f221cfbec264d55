import { DEFAULT_COMMIT_MESSAGE } from "../config/heimdall-config.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { describeChange } from "./describe-change.ts";

/**
 * Renders the commit for an update.
 *
 * One image: the headline is `template` with `{repository}` `{tag}` `{digest}` `{registry}`
 * replaced (by default exactly `Automated commit by ECR push (snutt-dev/snutt-timetable:46)`).
 * Several images (an SQS batch): the headline is `Automated commit by ECR push (<n> images)` and
 * the body starts with one line per image, sorted — `<repository>:<tag>` with the default
 * template, the rendered template otherwise. Unknown placeholders are left as written (config
 * parsing refuses them).
 *
 * The body then lists every change as `<file>: <path> <old> → <new>`, sorted by file, document
 * and path, duplicates dropped. When old and new are image references to the same image, only the
 * part after the name is shown (`45 → 46`); a change in a later document of a multi-document file
 * is marked `(document <n>)`, counting from 1. Lines are joined with `\n`, no trailing newline.
 *
 * A reconcile's repairs (`repairReasons`: why each push is applied) are titled
 * `Automated commit by ECR reconcile (<repository>:<tag>)` or `(<n> images)` whatever the template, and the
 * body starts with one `<repository>:<tag>: <why>` line per image, even for one.
 *
 * @example
 * renderCommitMessage({ template: DEFAULT_COMMIT_MESSAGE, pushes: [push], changes: [change] });
 * // { headline: "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
 * //   body: "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46" }
 */
export function renderCommitMessage(input: {
  template: string;
  pushes: readonly EcrPush[];
  changes: readonly ManifestChange[];
  repairReasons?: ReadonlyMap<EcrPush, string>;
}): { headline: string; body: string } {
  const changeLines = [...new Set([...input.changes].sort(byLocation).map(describeChange))];
  const [only] = input.pushes;
  const reasons = input.repairReasons;
  if (reasons !== undefined) {
    const imageLines = input.pushes
      .map((push) => `${push.imageRepository}:${push.tag}: ${reasons.get(push) ?? "missed push"}`)
      .sort(compareText);
    const what =
      only !== undefined && input.pushes.length === 1
        ? `${only.imageRepository}:${only.tag}`
        : `${input.pushes.length} images`;
    return {
      headline: `Automated commit by ECR reconcile (${what})`,
      body: [imageLines, changeLines]
        .filter((lines) => lines.length > 0)
        .map((lines) => lines.join("\n"))
        .join("\n\n"),
    };
  }
  if (input.pushes.length === 1 && only !== undefined) {
    return { headline: fill(input.template, only), body: changeLines.join("\n") };
  }
  const imageTemplate = input.template === DEFAULT_COMMIT_MESSAGE ? "{repository}:{tag}" : input.template;
  const imageLines = [...new Set(input.pushes.map((push) => fill(imageTemplate, push)))].sort(compareText);
  const sections = [imageLines, changeLines].filter((lines) => lines.length > 0);
  return {
    headline: `Automated commit by ECR push (${input.pushes.length} images)`,
    body: sections.map((lines) => lines.join("\n")).join("\n\n"),
  };
}

function fill(template: string, push: EcrPush): string {
  const values: Readonly<Record<string, string>> = {
    repository: push.imageRepository,
    tag: push.tag,
    digest: push.digest,
    registry: push.registry,
  };
  return template.replace(/\{([A-Za-z_][\w-]*)\}/g, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? placeholder) : placeholder,
  );
}

function byLocation(a: ManifestChange, b: ManifestChange): number {
  return (
    compareText(a.file, b.file) ||
    a.document - b.document ||
    compareText(a.path, b.path) ||
    compareText(a.oldValue, b.oldValue) ||
    compareText(a.newValue, b.newValue)
  );
}

// Code-unit order, not locale order: the message must not depend on the Lambda's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
