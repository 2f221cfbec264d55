import { DEFAULT_COMMIT_MESSAGE } from "../config/heimdall-config.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { describeChange } from "./describe-change.ts";
import { describeSource } from "./describe-source.ts";
import type { ImageProvenance } from "./image-provenance-reader.ts";
import { oneLine } from "./one-line.ts";

/** What `{revision}` and `{source}` say for an image whose labels do not tell. */
export const UNKNOWN_PROVENANCE = "unknown";

/**
 * Renders the commit (or pull request) message for an update — the one place both take it from.
 *
 * One image: the headline is `template` with `{repository}` `{tag}` `{digest}` `{registry}` `{revision}`
 * `{source}` replaced (by default exactly `Automated commit by ECR push (snutt-dev/snutt-timetable:46)`);
 * `{revision}` and `{source}` say `unknown` when the image has no such label; `{digest}` is empty for a
 * manual push that named none. Several images (an SQS batch):
 * the headline is `Automated commit by ECR push (<n> images)` and the body starts with one line per image,
 * sorted — `<repository>:<tag>` with the default template, the rendered template otherwise. Unknown
 * placeholders are left as written (config parsing refuses them).
 *
 * The body then has, each paragraph separated by a blank line:
 * 1. every change as `<file>: <path> <old> → <new>`, sorted by file, document and path, duplicates dropped
 *    (see `describeChange`);
 * 2. where the image's labels say it: `Source: https://github.com/<owner>/<repo>/commit/<sha>` (or what
 *    `describeSource` can honestly say); in a batch `Source (<repository>:<tag>): …`, one line per image;
 * 3. git trailers, per image in the order of the image lines: `Image-Digest: sha256:…` and `ECR-Event-Id: …`
 *    (`git log --format=%(trailers)` reads them); a manual push (`heimdall apply --image`) gets no
 *    `ECR-Event-Id`, and no `Image-Digest` when it named no digest.
 * Lines are joined with `\n`, no trailing newline.
 *
 * A reconcile's repairs (`repairReasons`: why each push is applied) are titled
 * `Automated commit by ECR reconcile (<repository>:<tag>)` or `(<n> images)` whatever the template; the body
 * starts with one `<repository>:<tag>: <why>` line per image, even for one, and its trailers carry only the
 * digest (a repair has no ECR event).
 *
 * @example
 * renderCommitMessage({ template: DEFAULT_COMMIT_MESSAGE, pushes: [push], changes: [change],
 *   provenance: new Map([[push, { revision: "9f8e7d6c5b4a", source: "https://github.com/wafflestudio/snutt-timetable" }]]) });
 * // { headline: "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
 * //   body: "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46\n\n" +
 * //     "Source: https://github.com/wafflestudio/snutt-timetable/commit/9f8e7d6c5b4a\n\n" +
 * //     "Image-Digest: sha256:5f1c…\nECR-Event-Id: 0d7e5c1a-3b2f-4a6e-9c8d-1f2e3a4b5c6d" }
 */
export function renderCommitMessage(input: {
  template: string;
  pushes: readonly EcrPush[];
  changes: readonly ManifestChange[];
  /** The labels found per push; a push without an entry gets no `Source:` line. */
  provenance?: ReadonlyMap<EcrPush, ImageProvenance>;
  /** Set by the reconcile: why each push (rebuilt from ECR, no event) is applied. */
  repairReasons?: ReadonlyMap<EcrPush, string>;
}): { headline: string; body: string } {
  const changeLines = [...new Set([...input.changes].sort(byLocation).map(describeChange))];
  const provenanceOf = (push: EcrPush) => input.provenance?.get(push) ?? {};
  const reasons = input.repairReasons;
  const single = input.pushes.length === 1;
  const imageTemplate =
    reasons !== undefined
      ? "{repository}:{tag}"
      : single || input.template !== DEFAULT_COMMIT_MESSAGE
        ? input.template
        : "{repository}:{tag}";
  // Sorted by what they render to: the order of pushes in a batch must not change the message.
  const images = input.pushes
    .map((push) => ({ push, line: fill(imageTemplate, push, provenanceOf(push)) }))
    .sort((a, b) => compareText(a.line, b.line) || compareText(a.push.eventId, b.push.eventId));

  const sourceLines = images.flatMap(({ push }) => {
    const source = describeSource(provenanceOf(push));
    if (source === undefined) return [];
    return [
      single ? `Source: ${source.text}` : `Source (${push.imageRepository}:${push.tag}): ${source.text}`,
    ];
  });
  // A manual push (`heimdall apply --image`) or a repair has no ECR event, and a manual one maybe no digest:
  // no trailer pretends otherwise.
  const trailers = images.flatMap(({ push }) => [
    ...(push.digest === undefined ? [] : [`Image-Digest: ${push.digest}`]),
    ...(push.manual === true || reasons !== undefined ? [] : [`ECR-Event-Id: ${oneLine(push.eventId, 200)}`]),
  ]);
  const [only] = images;
  const what = single && only !== undefined ? only.line : `${input.pushes.length} images`;
  const headline =
    reasons !== undefined
      ? `Automated commit by ECR reconcile (${what})`
      : single && only !== undefined
        ? only.line
        : `Automated commit by ECR push (${input.pushes.length} images)`;
  const imageLines =
    reasons !== undefined
      ? images.map(({ push, line }) => `${line}: ${oneLine(reasons.get(push) ?? "missed push", 1000)}`)
      : single
        ? []
        : [...new Set(images.map(({ line }) => line))];
  const paragraphs = [imageLines, changeLines, sourceLines, trailers].filter((lines) => lines.length > 0);
  return { headline, body: paragraphs.map((lines) => lines.join("\n")).join("\n\n") };
}

function fill(template: string, push: EcrPush, provenance: ImageProvenance): string {
  const source = describeSource(provenance);
  const values: Readonly<Record<string, string>> = {
    repository: push.imageRepository,
    tag: push.tag,
    // A manual push may name no digest; an empty value is honest, an invented one would not be.
    digest: push.digest ?? "",
    registry: push.registry,
    revision: provenance.revision ?? UNKNOWN_PROVENANCE,
    source: source?.source ?? UNKNOWN_PROVENANCE,
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
