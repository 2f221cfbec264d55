/**
 * heimdall's pure core, grouped by pipeline stage. Adapters, the CLI and the handler import from here only.
 *
 * - `event/`  — an ECR EventBridge event in, a validated {@link EcrPush} out.
 * - `config/` — `.heimdall.yaml` parsed and validated; which files a push may edit.
 * - `edit/`   — one YAML file's image references rewritten byte-exactly, as {@link ManifestChange} data.
 * - `update/` — the `updateManifests` use case: read → plan → stale check → one guarded commit.
 * - `reconcile/` — the `reconcile` use case: every managed reference judged against ECR; missed pushes
 *   applied through `updateManifests`, a person's rollback or pin left alone.
 *
 * Nothing under `core/` touches the file system, the network or the environment variables
 * (`test/core/core-purity.test.ts` enforces it); IO arrives through the ports
 * {@link GitOpsRepository}, {@link ImagePushClock}, {@link ImageProvenanceReader}, {@link ImageCatalog} and
 * {@link ReferenceHistory}.
 */

export {
  CONFIG_PATHS,
  DEFAULT_COMMIT_MESSAGE,
  DEFAULT_CONFIG,
  type HeimdallConfig,
  type HeimdallTarget,
  parseHeimdallConfig,
} from "./config/heimdall-config.ts";
export { InvalidConfigError } from "./config/invalid-config-error.ts";
export { isUnderRoot } from "./config/is-under-root.ts";
export { isYamlFile } from "./config/is-yaml-file.ts";
export type { MergeMethod, PullRequestSettings } from "./config/read-pull-request-settings.ts";
export type { TargetPolicy } from "./config/read-target-policy.ts";
export { formatImageReference, type ImageReference, parseImageReference } from "./edit/image-reference.ts";
export type { ChangedField, ManifestChange, MatcherName, TagAndDigest } from "./edit/manifest-change.ts";
export type { EcrPush } from "./event/ecr-push.ts";
export { ECR } from "./event/ecr-syntax.ts";
export { InvalidEventError } from "./event/invalid-event-error.ts";
export { type ParsedEcrEvent, parseEcrEvent } from "./event/parse-ecr-event.ts";
export {
  parseReconcileRequest,
  RECONCILE_DETAIL_TYPE,
  RECONCILE_SOURCE,
  type ReconcileRequest,
} from "./event/parse-reconcile-request.ts";
export { pushFromImageReference } from "./event/push-from-image-reference.ts";
export { HeimdallError } from "./heimdall-error.ts";
export { type Memoized, memoizeUntilSuccess } from "./memoize-until-success.ts";
export type { CatalogAnswer, CatalogImage, ImageCatalog } from "./reconcile/image-catalog.ts";
export type { ReconcileItem, Repair } from "./reconcile/plan-reconcile.ts";
export { type ReconcileInput, type ReconcileReport, reconcile } from "./reconcile/reconcile.ts";
export type {
  LastChange,
  LastChangesRequest,
  LineChanges,
  ReferenceHistory,
} from "./reconcile/reference-history.ts";
export { sleep } from "./sleep.ts";

export {
  COMMIT_BACKOFF_BASE_MS,
  COMMIT_BACKOFF_CAP_MS,
  nextCommitBackoff,
} from "./update/commit-backoff.ts";
export { CommitConflictError } from "./update/commit-conflict-error.ts";
export { DeadlineExceededError } from "./update/deadline-exceeded-error.ts";
export { describeChange } from "./update/describe-change.ts";
export { describeSkipped } from "./update/describe-skipped.ts";
export { describeSource, type SourceDescription } from "./update/describe-source.ts";
export type {
  CommitRequest,
  CommitResult,
  ConfigFileRead,
  GitOpsRepository,
  GitOpsSnapshot,
  ProposalHead,
  ProposalRequest,
  ProposalResult,
  ProposalState,
  PullRequestState,
  ReadRequest,
} from "./update/gitops-repository.ts";
export type {
  ImageProvenance,
  ImageProvenanceReader,
  ProvenanceAnswer,
} from "./update/image-provenance-reader.ts";
export type { ImagePushClock, PushedAtAnswer } from "./update/image-push-clock.ts";
export { oneLine } from "./update/one-line.ts";
export type {
  ImageOutcome,
  ImageReport,
  ProposalOutcome,
  ProposalReport,
  SkippedReference,
  UnresolvedOutcome,
  UpdateOutcome,
} from "./update/outcomes.ts";
export { type PlannedProposal, planProposals } from "./update/plan-proposals.ts";
export type { UpdatePlan } from "./update/plan-update.ts";
export { PROPOSAL_BRANCH_PREFIX, proposalBranchName } from "./update/proposal-branch-name.ts";
export { type ProposeChangesInput, proposeChanges } from "./update/propose-changes.ts";
export { PROVENANCE_LABELS, provenanceFromLabels } from "./update/provenance-from-labels.ts";
export { StaleHeadError } from "./update/stale-head-error.ts";
export {
  type UpdateManifestsInput,
  type UpdateReport,
  updateManifests,
} from "./update/update-manifests.ts";
export type { UpdateWarning, WarningCode } from "./update/update-warning.ts";
