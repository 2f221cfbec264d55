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
 * - `stale`: it is older than what is deployed or proposed (pushed earlier, or under `order: semver` a lower
 *   version), so applying it would roll back.
 * - `paused`: every target that would take it is `paused: true`; nothing was written.
 * - `repaired`: the reconcile found its push missed (newer than what is deployed and than the last change of
 *   its references) and applied it as the push would have been.
 * - `left`: the reconcile saw it differ from ECR's newest accepted image and left it alone, with why (a
 *   rollback or pin committed after the push, several tags on the newest image, ECR could not answer…).
 * - `proposed`: its `pullRequest:` files were proposed through the image's pull request (opened or updated).
 * - `blocked`: its pull request branch holds work heimdall did not make (or git cannot hold the branch);
 *   heimdall left branch and pull request untouched. Retrying cannot fix it: a person has to.
 */
export type ImageOutcome =
  | "updated"
  | "no-change"
  | "unmapped"
  | "tag-rejected"
  | "stale"
  | "paused"
  | "repaired"
  | "left"
  | "proposed"
  | "blocked";

/** The outcomes target resolution decides on its own, before any file is read. */
export type UnresolvedOutcome = Extract<ImageOutcome, "unmapped" | "tag-rejected" | "paused">;

/**
 * What one update did overall: `updated` when a commit was made (or, on a dry run, would be), else
 * `proposed` when a pull request was opened or updated, else `blocked` when a pull request branch had to be
 * left alone, else `stale` when every push that would have changed something was older than what is
 * deployed, `no-change` otherwise.
 */
export type UpdateOutcome = Extract<ImageOutcome, "updated" | "proposed" | "blocked" | "no-change" | "stale">;

/** What happened to one image's pull request: opened or updated, nothing to do, or left alone. */
export type ProposalOutcome = Extract<ImageOutcome, "proposed" | "no-change" | "blocked">;

/**
 * The part of one push that goes through its pull request (head branch `heimdall/<image repository>`):
 * the changes it proposes, the files' texts on the base and on the branch, and what became of it.
 *
 * @example
 * const proposal: ProposalReport = { branch: "heimdall/snutt-prod/snutt-timetable", outcome: "proposed",
 *   changes, files, pullRequest: { number: 12, url: "https://github.com/o/r/pull/12" } };
 */
export interface ProposalReport {
  readonly branch: string;
  readonly outcome: ProposalOutcome;
  readonly reason?: string;
  readonly changes: readonly ManifestChange[];
  readonly files: readonly { readonly path: string; readonly before: string; readonly after: string }[];
  /** The one commit the branch now holds (absent on a dry run and when nothing was written). */
  readonly commit?: {
    readonly oid: string;
    readonly url?: string;
    readonly headline: string;
    readonly body: string;
  };
  /** The pull request, when the backend has them (the CLI's local branch has none). */
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly merged?: boolean };
}

/**
 * One push's result, with why (`reason`) when it did not update and every scalar it changed on the branch
 * (`changes`); what it proposed through its pull request is in `proposal`.
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
  /** Present when a `pullRequest:` target covers files this push changes. */
  readonly proposal?: ProposalReport;
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
