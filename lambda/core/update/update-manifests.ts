import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { resolveTargets } from "../config/resolve-targets.ts";
import { rootsToRead } from "../config/roots-to-read.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { sleep as defaultSleep } from "../sleep.ts";
import { CommitConflictError } from "./commit-conflict-error.ts";
import { renderCommitMessage } from "./commit-message.ts";
import { findProvenance } from "./find-provenance.ts";
import { findStalePushes } from "./find-stale-pushes.ts";
import type { GitOpsRepository, GitOpsSnapshot } from "./gitops-repository.ts";
import type { ImageProvenanceReader, ProvenanceAnswer } from "./image-provenance-reader.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import { newestPushPerRepository } from "./newest-push-per-repository.ts";
import type { ImageReport, UpdateOutcome } from "./outcomes.ts";
import { planUpdate, type UpdatePlan } from "./plan-update.ts";
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
 * `outcome` is `updated` when a commit was made (or, on a dry run, would be), `stale` when every push that
 * would have changed something was older than what is deployed, `no-change` otherwise.
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
      // Exact: planUpdate never edits a file that does not contain the pushed image repository.
      { mentions: input.pushes.map((push) => push.imageRepository) },
    );
    const pushes = newestPushPerRepository(
      input.pushes,
      (push) => resolveTargets(push, config).kind === "targets",
      releaseOrder(config),
    );
    const round = await planRound(pushes, snapshot, config, input.clock);
    const base = { ...round, headOid: snapshot.headOid, attempts: attempt, conflicts };
    if (round.files.length === 0 || input.dryRun === true) {
      const outcome =
        round.files.length > 0
          ? "updated"
          : round.images.some((i) => i.outcome === "stale")
            ? "stale"
            : "no-change";
      return { ...base, outcome };
    }
    const found = provenance === undefined ? undefined : await findProvenance(round.images, provenance);
    const images = round.images.map((image): ImageReport => {
      const labels = found?.provenance.get(image.push);
      return labels === undefined ? image : { ...image, provenance: labels };
    });
    const committed = {
      ...base,
      images,
      warnings: [...round.warnings, ...(found?.warnings ?? [])],
    };
    const message = renderCommitMessage({
      template: config.commitMessage,
      pushes: images.filter((image) => image.outcome === "updated").map((image) => image.push),
      changes: round.changes,
      ...(found === undefined ? {} : { provenance: found.provenance }),
      ...(input.repairReasons === undefined ? {} : { repairReasons: input.repairReasons }),
    });
    try {
      const result = await input.gitops.commit({
        expectedHeadOid: snapshot.headOid,
        headline: message.headline,
        body: message.body,
        files: round.files.map((file) => ({ path: file.path, contents: file.after })),
      });
      return { ...committed, outcome: "updated", commit: { ...result, ...message } };
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

async function planRound(
  pushes: readonly EcrPush[],
  snapshot: GitOpsSnapshot,
  config: HeimdallConfig,
  clock: ImagePushClock | undefined,
): Promise<UpdatePlan> {
  const plan = planUpdate({ pushes, files: snapshot.files, config });
  if (clock === undefined) return plan;
  // `order: semver` already judged its changes by version; only the rest are checked against push times.
  const pushTimeOrdered = plan.images.map((image) => ({
    ...image,
    changes: image.changes.filter((change) => !plan.versionChecked.has(change)),
  }));
  const { stale, warnings } = await findStalePushes({ images: pushTimeOrdered }, clock);
  if (stale.size === 0) return { ...plan, warnings: [...plan.warnings, ...warnings] };
  // Plan again without the stale pushes, so a file both touched keeps only the fresh edits.
  const fresh = planUpdate({
    pushes: pushes.filter((push) => !stale.has(push)),
    files: snapshot.files,
    config,
  });
  const images = plan.images.map((image): ImageReport => {
    const reason = stale.get(image.push);
    if (reason !== undefined) return { push: image.push, outcome: "stale", reason, changes: [] };
    return fresh.images.find((candidate) => candidate.push === image.push) ?? image;
  });
  return { ...fresh, images, warnings: [...fresh.warnings, ...warnings] };
}
