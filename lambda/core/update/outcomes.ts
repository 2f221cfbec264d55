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
 */
export type ImageOutcome = "updated" | "no-change" | "unmapped" | "tag-rejected" | "stale";

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
