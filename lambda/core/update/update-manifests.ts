import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import { rootsToRead } from "../config/roots-to-read.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { sleep as defaultSleep } from "../sleep.ts";
import { attachProposals, overallOutcome } from "./attach-proposals.ts";
import { COMMIT_BACKOFF_BASE_MS, nextCommitBackoff } from "./commit-backoff.ts";
import { CommitConflictError } from "./commit-conflict-error.ts";
import { renderCommitMessage } from "./commit-message.ts";
import { DeadlineExceededError } from "./deadline-exceeded-error.ts";
import { findProvenance } from "./find-provenance.ts";
import type { GitOpsRepository } from "./gitops-repository.ts";
import type { ImageProvenanceReader, ProvenanceAnswer } from "./image-provenance-reader.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import { newestPushPerRepository } from "./newest-push-per-repository.ts";
import type { ImageReport, UpdateOutcome } from "./outcomes.ts";
import { type OwnPushTime, ownPushTimes } from "./own-push-times.ts";
import { planRound, type RoundPlan } from "./plan-round.ts";
import type { UpdatePlan } from "./plan-update.ts";
import { proposalBranchName } from "./proposal-branch-name.ts";
import { proposeChanges } from "./propose-changes.ts";
import { type GitOpsRead, readGitOps } from "./read-gitops.ts";
import { releaseOrder } from "./release-order.ts";
import { StaleHeadError } from "./stale-head-error.ts";

/** What one update needs: the pushes, the repository port, and the knobs tests and the CLI turn. */
export interface UpdateManifestsInput {
  /** Parsed, valid pushes; per repository the newest push that the config lets apply wins. */
  readonly pushes: readonly EcrPush[];
  readonly gitops: GitOpsRepository;
  /** Out-of-order protection: when set, a push older than the image already deployed is skipped as stale. */
  readonly clock?: ImagePushClock;
  /**
   * Source labels for the commit message: when set, each image about to be committed is asked for once per
   * call (conflict rounds reuse the answer); a failed lookup is a `provenance-unavailable` warning, never an error.
   */
  readonly provenance?: ImageProvenanceReader;
  /** Plan only: read, edit in memory, never commit. */
  readonly dryRun?: boolean;
  /** Use this config instead of the repository's `.heimdall.yaml` (the CLI's `--config`). */
  readonly configOverride?: { readonly path: string; readonly text: string };
  /**
   * Set by the reconcile: why each push (rebuilt from ECR) is applied. The commit is then titled
   * `Automated commit by ECR reconcile (…)` and its body names each image and why.
   */
  readonly repairReasons?: ReadonlyMap<EcrPush, string>;
  /**
   * When the update must be over, in ms since the epoch on `now`'s clock (the Lambda: its remaining time
   * minus a safety margin). Every read, commit, stale check and pause gets it; no round starts that
   * cannot finish before it. Requires `now`.
   */
  readonly deadline?: number;
  /** The clock `deadline` is measured on (ms since the epoch); the core never reads one itself. */
  readonly now?: () => number;
  /** Cap on read→plan→commit rounds. Default: none with a `deadline` (the deadline bounds them), 5 without. */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * The result of {@link updateManifests}, as data: every log line, CLI line and metric derives from it.
 * `outcome` is `updated` when a commit was made (or, on a dry run, would be), else `proposed` / `blocked`
 * for pull requests, `stale` when every push that would have changed something was older than what is
 * deployed, `no-change` otherwise. `files`, `changes` and `commit` are the direct commit's; each image's
 * pull request is in its `proposal`.
 */
export interface UpdateReport extends UpdatePlan {
  readonly outcome: UpdateOutcome;
  readonly commit?: {
    readonly oid: string;
    readonly url?: string;
    readonly headline: string;
    readonly body: string;
  };
  readonly headOid: string;
  /** Read→plan→commit rounds made. */
  readonly attempts: number;
  /** Rounds lost to someone else moving the branch (stale head). */
  readonly conflicts: number;
}

/**
 * The one use case behind both the Lambda and the CLI: read the GitOps repository, rewrite the image tags
 * the pushes call for, and commit everything as one commit guarded by the head it read.
 *
 * Never overwrites: when the branch moved in between (`StaleHeadError`), it re-reads, re-applies the
 * edit on the new head and tries again after a pause with decorrelated jitter (see `nextCommitBackoff`).
 * Rounds go on while the `deadline` leaves room for one more (as long as the slowest round so far took,
 * plus the pause), or up to `maxAttempts`; then it throws {@link CommitConflictError}. A deadline that
 * passes before the first round throws {@link DeadlineExceededError}. Nothing changes → no commit (a
 * duplicate event is a no-op). A config in the repository that is invalid throws `InvalidConfigError`
 * before anything is written.
 *
 * Each push's targets are resolved once per round (per config read), and later rounds read only the
 * folders the last round's config needs: one read per round.
 *
 * Files of `pullRequest:` targets are not committed: after the direct commit (if any), each image's changes
 * go to its pull request on top of it (see `proposeChanges`), decided from the branch state the same read
 * returned (every pushed image's branch comes with every read: it does not depend on the config).
 *
 * @example
 * const report = await updateManifests({ pushes: [push], gitops: createLocalGitOps({ dir }) });
 * report.outcome; // "updated"
 * report.commit?.headline; // "Automated commit by ECR push (snutt-dev/snutt-timetable:46)"
 */
export async function updateManifests(input: UpdateManifestsInput): Promise<UpdateReport> {
  const { deadline, now } = input;
  if (deadline !== undefined && now === undefined) {
    throw new TypeError("updateManifests: a deadline needs the clock it is measured on (now)");
  }
  const maxAttempts = input.maxAttempts ?? (deadline === undefined ? 5 : Number.POSITIVE_INFINITY);
  const sleep = input.sleep ?? defaultSleep;
  const random = input.random ?? Math.random;
  const timed = deadline !== undefined && now !== undefined ? { deadline, now } : undefined;
  let conflicts = 0;
  let pause = COMMIT_BACKOFF_BASE_MS;
  let slowestRoundMs = 0;
  let previous: GitOpsRead | undefined;
  const ownTimes = new Map<EcrPush, OwnPushTime>();
  // Each push's targets, resolved once per config: a round whose config did not change reuses them.
  const resolved = new WeakMap<HeimdallConfig, ReadonlyMap<EcrPush, TargetResolution>>();
  const resolutionsFor = (config: HeimdallConfig): ReadonlyMap<EcrPush, TargetResolution> => {
    let resolutions = resolved.get(config);
    if (resolutions === undefined) {
      resolutions = new Map(input.pushes.map((push) => [push, resolveTargets(push, config)] as const));
      resolved.set(config, resolutions);
    }
    return resolutions;
  };
  const provenance = input.provenance === undefined ? undefined : askOncePerPush(input.provenance);
  const proposalBranches = [...new Set(input.pushes.map((push) => proposalBranchName(push.imageRepository)))];

  if (timed !== undefined && timed.now() >= timed.deadline) {
    throw new DeadlineExceededError(
      "the invocation had no time left to read the GitOps repository — the event will be retried",
    );
  }
  for (let attempt = 1; ; attempt++) {
    const started = timed?.now() ?? 0;
    const read = await readGitOps(
      input.gitops,
      (config) => rootsToRead(input.pushes, config, resolutionsFor(config)),
      input.configOverride,
      {
        ...(previous === undefined ? {} : { previous }),
        ...(deadline === undefined ? {} : { deadline }),
        proposalBranches,
        // Exact: planUpdate never edits a file that does not contain the pushed image repository.
        mentions: input.pushes.map((push) => push.imageRepository),
      },
    );
    previous = read;
    const { snapshot, config } = read;
    const resolutions = resolutionsFor(config);
    const applies = (push: EcrPush) => resolutions.get(push)?.kind === "targets";
    if (input.clock !== undefined) {
      // Pushes of one image in one batch are ordered by ECR's own push times (milliseconds), asked once.
      const ask = competing(input.pushes.filter(applies)).filter((push) => !ownTimes.has(push));
      for (const [push, time] of await ownPushTimes(ask, input.clock, deadline)) ownTimes.set(push, time);
    }
    const pushes = newestPushPerRepository(
      input.pushes,
      applies,
      releaseOrder(config, resolutions, ownTimes),
    );
    const plan = await planRound(pushes, { snapshot, config, resolutions }, input.clock, deadline, ownTimes);
    const base = { ...plan, headOid: snapshot.headOid, attempts: attempt, conflicts };
    const proposing = {
      gitops: input.gitops,
      proposals: plan.proposals,
      states: snapshot.proposals ?? new Map(),
      template: config.commitMessage,
      ...(input.repairReasons === undefined ? {} : { repairReasons: input.repairReasons }),
    };
    if ((plan.files.length === 0 && plan.proposals.length === 0) || input.dryRun === true) {
      const decided = await proposeChanges({ ...proposing, baseOid: snapshot.headOid, dryRun: true });
      const images = attachProposals(plan.images, plan.proposals, decided.reports);
      return { ...base, images, outcome: overallOutcome(images, plan.files.length > 0) };
    }
    const found =
      provenance === undefined ? undefined : await findProvenance(toBeWritten(plan), provenance, deadline);
    const images = plan.images.map((image): ImageReport => {
      const labels = found?.provenance.get(image.push);
      return labels === undefined ? image : { ...image, provenance: labels };
    });
    const warnings = [...plan.warnings, ...(found?.warnings ?? [])];
    const message = renderCommitMessage({
      template: config.commitMessage,
      pushes: images.filter((image) => image.outcome === "updated").map((image) => image.push),
      changes: plan.changes,
      ...(found === undefined ? {} : { provenance: found.provenance }),
      ...(input.repairReasons === undefined ? {} : { repairReasons: input.repairReasons }),
    });
    try {
      const commit =
        plan.files.length === 0
          ? undefined
          : {
              ...(await input.gitops.commit({
                expectedHeadOid: snapshot.headOid,
                headline: message.headline,
                body: message.body,
                files: plan.files.map((file) => ({ path: file.path, contents: file.after })),
                ...(deadline === undefined ? {} : { deadline }),
              })),
              ...message,
            };
      // The pull requests build on the branch as this commit left it, so each shows only its own change.
      const proposed = await proposeChanges({
        ...proposing,
        baseOid: commit?.oid ?? snapshot.headOid,
        ...(found === undefined ? {} : { provenance: found.provenance }),
        ...(deadline === undefined ? {} : { deadline }),
      });
      const reported = attachProposals(images, plan.proposals, proposed.reports);
      return {
        ...base,
        images: reported,
        warnings: [...warnings, ...proposed.warnings],
        outcome: overallOutcome(reported, commit !== undefined),
        ...(commit === undefined ? {} : { commit }),
      };
    } catch (error) {
      if (!(error instanceof StaleHeadError)) throw error;
      conflicts++;
      if (attempt >= maxAttempts) {
        throw new CommitConflictError(
          `the branch moved under every one of ${attempt} commit attempts; nothing was committed — the event will be retried`,
          conflicts,
          { cause: error },
        );
      }
      pause = nextCommitBackoff(pause, random);
      if (timed !== undefined) {
        slowestRoundMs = Math.max(slowestRoundMs, timed.now() - started);
        if (timed.now() + pause + slowestRoundMs > timed.deadline) {
          throw new CommitConflictError(
            `the branch moved under every one of ${attempt} commit attempts and the invocation has no time left for another; nothing was committed — the event will be retried`,
            conflicts,
            { cause: error },
          );
        }
      }
      await sleep(pause);
    }
  }
}

// Conflict rounds commit the same images again: their labels do not change, so ask once.
function askOncePerPush(reader: ImageProvenanceReader): ImageProvenanceReader {
  const answers = new Map<string, Promise<ProvenanceAnswer>>();
  return {
    provenanceOf(image, options) {
      const key = `${image.registry}/${image.imageRepository}@${image.digest}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = reader.provenanceOf(image, options);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}

// Provenance is asked for every image about to be written: committed directly or proposed.
function toBeWritten(plan: RoundPlan): ImageReport[] {
  return plan.images.flatMap((image): ImageReport[] => {
    if (image.outcome === "updated") return [image];
    const proposal = plan.proposals.find((candidate) => candidate.push === image.push);
    return proposal === undefined
      ? []
      : [{ push: image.push, outcome: "updated", changes: proposal.changes }];
  });
}

/** The pushes that share their image repository with another one: only those need ordering. */
function competing(pushes: readonly EcrPush[]): EcrPush[] {
  const counts = new Map<string, number>();
  for (const push of pushes) counts.set(push.imageRepository, (counts.get(push.imageRepository) ?? 0) + 1);
  return pushes.filter((push) => (counts.get(push.imageRepository) ?? 0) > 1);
}
