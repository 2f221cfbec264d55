import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { ImageProvenance } from "./image-provenance-reader.ts";

/**
 * What happened to one pushed image — the one definition every report, summary, log line and metric uses.
 *
 * - `updated`: its references changed (and were committed, unless a dry run).
 * - `no-change`: every reference already says this tag (a duplicate or re-delivered event).
 * - `unmapped`: no target covers its ECR repository and `fallback: none`.
 * - `tag-rejected`: its targets' `tags` filters refuse the tag.
 * - `stale`: it is older than what is deployed, so applying it would roll back.
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
  | "repaired"
  | "left";

/** The outcomes target resolution decides on its own, before any file is read. */
export type UnresolvedOutcome = Extract<ImageOutcome, "unmapped" | "tag-rejected">;

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
}
