/**
 * Stable codes for what did not stop an update but an operator should know; logs and CLI output carry
 * the code so it can be filtered on, the message says the details.
 *
 * - `not-utf8`: a manifest is not valid UTF-8 and was skipped (rewriting it would corrupt bytes).
 * - `unparseable`: a manifest is not valid YAML (or expands aliases too far) and was skipped.
 * - `too-deep`: a manifest nests collections deeper than heimdall walks safely and was skipped.
 * - `too-large`: a manifest is larger than the size limit and was skipped before it was parsed.
 * - `unsupported-yaml`: a manifest spells a reference in a way heimdall cannot edit exactly (a byte order
 *   mark inside the file, a multi-line block scalar, escapes it cannot map) and was skipped.
 * - `unsafe-edit`: an edit would have changed more than the intended values; the file was left as it is.
 * - `stale-check-skipped`: ECR could not say when the deployed tag was pushed; the push applied unchecked.
 * - `ecr-unanswered`: the reconcile could not list a referenced ECR repository (deleted, another account
 *   without permission, unreachable); its references were left as they are.
 * - `several-tags`: the newest image carries several tags the filter accepts and none is the manifest's; the
 *   reconcile does not guess and left the reference.
 * - `history-unanswered`: the reconcile could not learn when a reference last changed; it was left.
 * - `provenance-unavailable`: the image's source labels could not be read or are incomplete; the commit
 *   went ahead without a source link (the message says why: no labels, no permission, an ECR error, a timeout).
 * - `digest-required`: a manual push named no digest, and a reference in the file needs one (it is pinned
 *   by digest, or its target sets `pinDigest`); the file was left as it is.
 * - `pull-request-setting`: a pull request was proposed, but one of its `pullRequest:` settings could not be
 *   applied (auto-merge not allowed in the repository, …); `file` is the proposal branch.
 */
export type WarningCode =
  | "not-utf8"
  | "unparseable"
  | "too-deep"
  | "too-large"
  | "unsupported-yaml"
  | "unsafe-edit"
  | "stale-check-skipped"
  | "ecr-unanswered"
  | "several-tags"
  | "history-unanswered"
  | "provenance-unavailable"
  | "digest-required"
  | "pull-request-setting";

/**
 * Something the operator should know that did not stop the update (a file skipped, a check not made).
 *
 * @example
 * const warning: UpdateWarning = { code: "unparseable", file: "apps/a/x.yaml", line: 3, message: "skipped …" };
 */
export interface UpdateWarning {
  readonly code: WarningCode;
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}
