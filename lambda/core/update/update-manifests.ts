import { resolveTargets } from "../config/resolve-targets.ts";
import { rootsToRead } from "../config/roots-to-read.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { sleep as defaultSleep } from "../sleep.ts";
import { attachProposals, overallOutcome } from "./attach-proposals.ts";
import { CommitConflictError } from "./commit-conflict-error.ts";
import { renderCommitMessage } from "./commit-message.ts";
import { findProvenance } from "./find-provenance.ts";
import type { GitOpsRepository } from "./gitops-repository.ts";
import type { ImageProvenanceReader, ProvenanceAnswer } from "./image-provenance-reader.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import { newestPushPerRepository } from "./newest-push-per-repository.ts";
import type { ImageReport, UpdateOutcome } from "./outcomes.ts";
import { planRound, type RoundPlan } from "./plan-round.ts";
import type { UpdatePlan } from "./plan-update.ts";
import { proposalBranchName } from "./proposal-branch-name.ts";
import { proposeChanges } from "./propose-changes.ts";
import { readGitOps } from "./read-gitops.ts";
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
  /** Read→plan→commit rounds before giving up on a branch that keeps moving. Default 5. */
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
 * edit on the new head and tries again after a jittered, growing pause, up to `maxAttempts` rounds, then
 * throws {@link CommitConflictError}. Nothing changes → no commit (a duplicate event is a no-op).
 * A config in the repository that is invalid throws `InvalidConfigError` before anything is written.
 *
 * Files of `pullRequest:` targets are not committed: after the direct commit (if any), each image's changes
 * go to its pull request on top of it (see `proposeChanges`), decided from the branch state the same read
 * returned.
 *
 * @example
 * const report = await updateManifests({ pushes: [push], repository: createLocalGitOps({ dir }) });
 * report.outcome; // "updated"
 * report.commit?.headline; // "Automated commit by ECR push (snutt-dev/snutt-timetable:46)"
 */
export async function updateManifests(input: UpdateManifestsInput): Promise<UpdateReport> {
  const maxAttempts = input.maxAttempts ?? 5;
  const sleep = input.sleep ?? defaultSleep;
  const random = input.random ?? Math.random;
  let conflicts = 0;
  const provenance = input.provenance === undefined ? undefined : askOncePerPush(input.provenance);

  for (let attempt = 1; ; attempt++) {
    const { snapshot, config } = await readGitOps(
      input.gitops,
      (config) => rootsToRead(input.pushes, config),
      input.configOverride,
      // Every pushed image's pull request branch comes with the first read: known before the config is.
      [...new Set(input.pushes.map((push) => proposalBranchName(push.imageRepository)))],
    );
    const pushes = newestPushPerRepository(
      input.pushes,
      (push) => resolveTargets(push, config).kind === "targets",
      releaseOrder(config),
    );
    const round = await planRound(pushes, snapshot, config, input.clock);
    const base = { ...round, headOid: snapshot.headOid, attempts: attempt, conflicts };
    const proposing = {
      gitops: input.gitops,
      proposals: round.proposals,
      states: snapshot.proposals ?? new Map(),
      template: config.commitMessage,
      ...(input.repairReasons === undefined ? {} : { repairReasons: input.repairReasons }),
    };
    if ((round.files.length === 0 && round.proposals.length === 0) || input.dryRun === true) {
      const decided = await proposeChanges({ ...proposing, baseOid: snapshot.headOid, dryRun: true });
      const images = attachProposals(round.images, round.proposals, decided.reports);
      return { ...base, images, outcome: overallOutcome(images, round.files.length > 0) };
    }
    const found = provenance === undefined ? undefined : await findProvenance(toBeWritten(round), provenance);
    const images = round.images.map((image): ImageReport => {
      const labels = found?.provenance.get(image.push);
      return labels === undefined ? image : { ...image, provenance: labels };
    });
    const warnings = [...round.warnings, ...(found?.warnings ?? [])];
    const message = renderCommitMessage({
      template: config.commitMessage,
      pushes: images.filter((image) => image.outcome === "updated").map((image) => image.push),
      changes: round.changes,
      ...(found === undefined ? {} : { provenance: found.provenance }),
      ...(input.repairReasons === undefined ? {} : { repairReasons: input.repairReasons }),
    });
    try {
      const commit =
        round.files.length === 0
          ? undefined
          : {
              ...(await input.gitops.commit({
                expectedHeadOid: snapshot.headOid,
                headline: message.headline,
                body: message.body,
                files: round.files.map((file) => ({ path: file.path, contents: file.after })),
              })),
              ...message,
            };
      // The pull requests build on the branch as this commit left it, so each shows only its own change.
      const proposed = await proposeChanges({
        ...proposing,
        baseOid: commit?.oid ?? snapshot.headOid,
        ...(found === undefined ? {} : { provenance: found.provenance }),
      });
      const reported = attachProposals(images, round.proposals, proposed.reports);
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
          `the branch moved under every one of ${maxAttempts} commit attempts; nothing was committed — the event will be retried`,
          conflicts,
          { cause: error },
        );
      }
      // Full jitter: concurrent writers that collided once must not collide again in lockstep.
      await sleep(Math.round(random() * Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

// Conflict rounds commit the same images again: their labels do not change, so ask once.
function askOncePerPush(reader: ImageProvenanceReader): ImageProvenanceReader {
  const answers = new Map<string, Promise<ProvenanceAnswer>>();
  return {
    provenanceOf(image) {
      const key = `${image.registry}/${image.imageRepository}@${image.digest}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = reader.provenanceOf(image);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}

// Provenance is asked for every image about to be written: committed directly or proposed.
function toBeWritten(round: RoundPlan): ImageReport[] {
  return round.images.flatMap((image): ImageReport[] => {
    if (image.outcome === "updated") return [image];
    const proposal = round.proposals.find((candidate) => candidate.push === image.push);
    return proposal === undefined
      ? []
      : [{ push: image.push, outcome: "updated", changes: proposal.changes }];
  });
}
