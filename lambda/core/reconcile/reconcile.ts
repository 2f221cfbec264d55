import { rootsToRead } from "../config/roots-to-read.ts";
import { HeimdallError } from "../heimdall-error.ts";
import { CommitConflictError } from "../update/commit-conflict-error.ts";
import { DeadlineExceededError } from "../update/deadline-exceeded-error.ts";
import type { GitOpsRepository, GitOpsSnapshot } from "../update/gitops-repository.ts";
import type { ImageOutcome, ProposalReport } from "../update/outcomes.ts";
import type { UpdatePlan } from "../update/plan-update.ts";
import { readGitOps } from "../update/read-gitops.ts";
import { StaleHeadError } from "../update/stale-head-error.ts";
import { type UpdateManifestsInput, type UpdateReport, updateManifests } from "../update/update-manifests.ts";
import type { ImageCatalog } from "./image-catalog.ts";
import { planReconcile, type ReconcilePlan } from "./plan-reconcile.ts";
import type { ReferenceHistory } from "./reference-history.ts";

/** What one reconcile needs: the GitOps repository with its history, ECR, and heimdall's own registry. */
export interface ReconcileInput {
  readonly gitops: GitOpsRepository;
  readonly history: ReferenceHistory;
  readonly catalog: ImageCatalog;
  /** heimdall's own registry host: the Lambda's account and region, the CLI's `--registry` or STS caller. */
  readonly registry: string;
  /** Plan only: read, judge, edit in memory, never commit. */
  readonly dryRun?: boolean;
  /** Use this config instead of the repository's `.heimdall.yaml` (the CLI's `--config`). */
  readonly configOverride?: UpdateManifestsInput["configOverride"];
  /** Read→judge→commit rounds before giving up on a branch that keeps moving. Default 3. */
  readonly maxAttempts?: number;
  /**
   * When the reconcile must be over, in ms since the epoch on `now`'s clock (the Lambda: its remaining time
   * minus a safety margin): every read, ECR listing, history query and the commit get it. Requires `now`.
   */
  readonly deadline?: number;
  /** The clock `deadline` is measured on. */
  readonly now?: () => number;
  /** Passed to the update that commits the repairs (retry pacing; the provenance reader for source lines). */
  readonly update?: Pick<UpdateManifestsInput, "sleep" | "random" | "provenance">;
}

/**
 * The result of {@link reconcile}, as data: what was repaired and left (and why), how many images were already
 * current, the warnings, the repair's file edits and its commit.
 */
export interface ReconcileReport extends Omit<ReconcilePlan, "update" | "files" | "repairs"> {
  /** `repaired` when a commit was made or a pull request proposed (or, on a dry run, would be); `no-change` otherwise. */
  readonly outcome: Extract<ImageOutcome, "repaired" | "no-change">;
  readonly repairs: ReconcilePlan["repairs"];
  readonly files: UpdatePlan["files"];
  readonly commit?: UpdateReport["commit"];
  /** Repairs of `pullRequest:` targets, proposed through each image's pull request like a push's. */
  readonly proposals?: readonly ProposalReport[];
  readonly headOid: string;
  /** Read→judge→commit rounds made. */
  readonly attempts: number;
}

/**
 * The scheduled safety net: finds pushes whose events were lost or dead-lettered and applies them, never
 * undoing a person's decision. See {@link planReconcile} for the rule.
 *
 * Repairs go through `updateManifests` — the same use case, edits, config and commit path as push events —
 * over the snapshot just judged (no second read), as ONE commit titled
 * `Automated commit by ECR reconcile (<repository>:<tag>)` or `(<n> images)`. Nothing missed → no commit.
 * When the branch moves before the commit, the round is read and judged again (someone may just have rolled
 * back), up to `maxAttempts` rounds, then {@link CommitConflictError}.
 *
 * @example
 * const report = await reconcile({ gitops, history: gitops, catalog: createEcrImageCatalog(), registry });
 * report.items.filter((item) => item.outcome === "repaired"); // [{ imageRepository: "snutt-dev/api", newestTag: "48", … }]
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileReport> {
  const maxAttempts = input.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const timed = input.deadline === undefined ? {} : { deadline: input.deadline };
    if (input.deadline !== undefined && (input.now?.() ?? 0) >= input.deadline) {
      throw new DeadlineExceededError(
        "the reconcile had no time left to read the GitOps repository — it will be retried",
      );
    }
    const { snapshot, config } = await readGitOps(
      input.gitops,
      (config) => rootsToRead("all", config),
      input.configOverride,
      timed,
    );
    const plan = await planReconcile({ ...input, snapshot, config });
    const { update, files: _, ...rest } = plan;
    const base = { ...rest, files: update.files, warnings: [...plan.warnings, ...update.warnings] };
    const report = { ...base, headOid: snapshot.headOid, attempts: attempt };
    if (plan.repairs.length === 0 || input.dryRun === true) {
      return { ...report, outcome: plan.repairs.length === 0 ? "no-change" : "repaired" };
    }
    try {
      const written = await updateManifests({
        ...input.update,
        pushes: plan.repairs.map((repair) => repair.push),
        gitops: frozenAt(
          snapshot,
          plan.files,
          input.gitops,
          config.targets.some((target) => target.pullRequest !== undefined),
        ),
        ...(input.configOverride === undefined ? {} : { configOverride: input.configOverride }),
        repairReasons: new Map(plan.repairs.map((repair) => [repair.push, repair.reason])),
        maxAttempts: 1,
        ...(input.deadline === undefined || input.now === undefined
          ? {}
          : { deadline: input.deadline, now: input.now }),
      });
      const proposals = written.images.flatMap((image) =>
        image.proposal === undefined ? [] : [image.proposal],
      );
      const proposed = proposals.some((proposal) => proposal.outcome === "proposed");
      return {
        ...report,
        outcome: written.commit === undefined && !proposed ? "no-change" : "repaired",
        files: written.files,
        ...(written.commit === undefined ? {} : { commit: written.commit }),
        ...(proposals.length === 0 ? {} : { proposals }),
      };
    } catch (error) {
      if (!(error instanceof BranchMovedError)) throw error;
      if (attempt >= maxAttempts) {
        throw new CommitConflictError(
          `the branch moved under every one of ${maxAttempts} reconcile rounds; nothing was committed — the next reconcile tries again`,
          attempt,
          { cause: error.cause },
        );
      }
    }
  }
}

/** The branch moved between the reconcile's read and its commit: judge again, do not re-apply blindly. */
class BranchMovedError extends HeimdallError {}

/**
 * The repository as the reconcile judged it: reads answer that snapshot, holding only the files the repairs
 * may edit (so nothing judged otherwise can change), and a moved branch ends the round instead of being
 * re-applied on a head nobody judged. Pull request branches were not part of the judgement: when the config
 * has `pullRequest:` targets their state is read as it is now (one small read, files left out), else none is.
 */
function frozenAt(
  snapshot: GitOpsSnapshot,
  files: ReadonlyMap<string, string>,
  gitops: GitOpsRepository,
  proposing: boolean,
): GitOpsRepository {
  const judged = { ...snapshot, files };
  const moved = (error: unknown) =>
    error instanceof StaleHeadError ? new BranchMovedError(error.message, { cause: error }) : error;
  return {
    async read(request) {
      const branches = request.proposalBranches ?? [];
      if (!proposing || branches.length === 0) return judged;
      const { proposals } = await gitops.read({
        roots: [],
        configPaths: [],
        proposalBranches: branches,
        ...(request.deadline === undefined ? {} : { deadline: request.deadline }),
      });
      return proposals === undefined ? judged : { ...judged, proposals };
    },
    propose: (request) =>
      gitops.propose(request).catch((error: unknown) => {
        throw moved(error);
      }),
    commit: (request) =>
      gitops.commit(request).catch((error: unknown) => {
        throw moved(error);
      }),
  };
}
