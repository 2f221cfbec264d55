import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImageProvenance } from "./image-provenance-reader.ts";

/**
 * What happened to one pushed image — the one definition every report, summary, log line and metric uses.
 *
 * - `updated`: its references changed (and were committed, unless a dry run).
 * - `no-change`: every reference already says this tag (a duplicate or re-delivered event).
 * - `unmapped`: no target covers its ECR repository and `fallback: none`.
 * - `tag-rejected`: its targets refuse the tag (`tags` filters, a non-semver tag under `order: semver`, a
 *   version outside a `semver` range).
 * - `stale`: it is older than what is deployed (pushed earlier, or under `order: semver` a lower version),
 *   so applying it would roll back.
 * - `paused`: every target that would take it is `paused: true`; nothing was written.
 * - `repaired`: the reconcile found its push missed (newer than what is deployed and than the last change of
 *   its references) and applied it as the push would have been.
 * - `left`: the reconcile saw it differ from ECR's newest accepted image and left it alone, with why (a
 *   rollback or pin committed after the push, several tags on the newest image, ECR could not answer…).
 */
export type ImageOutcome =
  | "updated"
  | "no-change"
  | "unmapped"
  | "tag-rejected"
  | "stale"
  | "paused"
  | "repaired"
  | "left";

/** The outcomes target resolution decides on its own, before any file is read. */
export type UnresolvedOutcome = Extract<ImageOutcome, "unmapped" | "tag-rejected" | "paused">;

/**
 * What one update did overall: `updated` when a commit was made (or, on a dry run, would be), `stale`
 * when every push that would have changed something was older than what is deployed, `no-change` otherwise.
 */
export type UpdateOutcome = Extract<ImageOutcome, "updated" | "no-change" | "stale">;

/**
 * One push's result, with why (`reason`) when it did not update and every scalar it changed.
 *
 * @example
 * const report: ImageReport = { push, outcome: "tag-rejected", reason: "tag 'latest' …", changes: [] };
 */
export interface ImageReport {
  readonly push: EcrPush;
  readonly outcome: ImageOutcome;
  readonly reason?: string;
  readonly changes: readonly ManifestChange[];
  /** The image's source labels, for `updated` images when a provenance reader was given and could read them. */
  readonly provenance?: ImageProvenance;
  /** References the push would have changed but left as they are, and why; absent when there are none. */
  readonly skipped?: readonly SkippedReference[];
}

/**
 * One reference a push matched and deliberately did not change:
 *
 * - `pinned`: it carries a `# heimdall:pin` comment;
 * - `paused`: its file is under a `paused: true` target;
 * - `older-version`: under `order: semver` it deploys a higher version than the push.
 *
 * @example
 * const skipped: SkippedReference = { file: "apps/a/deploy.yaml", document: 0,
 *   path: "spec.template.spec.containers[0].image", value: "r.example/ns/a:1.3.0", why: "older-version",
 *   reason: "older version 1.2.5 < 1.3.0" };
 */
export interface SkippedReference {
  readonly file: string;
  readonly document: number;
  readonly path: string;
  /** The value left in place. */
  readonly value: string;
  readonly why: "pinned" | "paused" | "older-version";
  readonly reason: string;
}
