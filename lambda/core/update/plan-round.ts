import type { HeimdallConfig } from "../config/heimdall-config.ts";
import type { TargetResolution } from "../config/resolve-targets.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { decideProposal } from "./decide-proposal.ts";
import { findStalePushes } from "./find-stale-pushes.ts";
import type { GitOpsSnapshot } from "./gitops-repository.ts";
import type { ImagePushClock } from "./image-push-clock.ts";
import type { ImageReport } from "./outcomes.ts";
import type { OwnPushTime } from "./own-push-times.ts";
import { type PlannedProposal, planProposals } from "./plan-proposals.ts";
import { planUpdate, type UpdatePlan } from "./plan-update.ts";

/** One round's plan: the direct commit (`files`, `changes`, `images`) and each image's pull request. */
export interface RoundPlan extends UpdatePlan {
  readonly proposals: readonly PlannedProposal[];
}

/**
 * Plans one read→write round: the files that commit directly, then each image's proposal on top of the base
 * as the direct commit will leave it, then (with a `clock`) drops pushes older than what is deployed — in
 * the direct files, in the proposal files, or proposed in the image's open pull request — and plans again
 * without them, so a file both touched keeps only the fresh edits.
 *
 * @example
 * const round = await planRound(pushes, { snapshot, config, resolutions }, clock, deadline);
 * round.files; // the direct commit; round.proposals: one per image with `pullRequest:` files to change
 */
export async function planRound(
  pushes: readonly EcrPush[],
  round: {
    readonly snapshot: GitOpsSnapshot;
    readonly config: HeimdallConfig;
    /** Each push's targets under `config`, resolved once per config. */
    readonly resolutions: ReadonlyMap<EcrPush, TargetResolution>;
  },
  clock: ImagePushClock | undefined,
  deadline: number | undefined,
  /** Pushes' own ECR push times asked so far (see `ownPushTimes`); the stale check adds what it asks. */
  ownTimes: Map<EcrPush, OwnPushTime> = new Map(),
): Promise<RoundPlan> {
  const { snapshot } = round;
  const plan = planAll(pushes, round);
  if (clock === undefined) return plan;
  // `order: semver` already judged its changes by version; only the rest are checked against push times.
  const byTime = (changes: UpdatePlan["changes"]) =>
    changes.filter((change) => !plan.versionChecked.has(change));
  const { stale, warnings } = await findStalePushes(
    {
      images: plan.images.map((image) => {
        const proposal = plan.proposals.find((candidate) => candidate.push === image.push);
        const state = proposal === undefined ? undefined : snapshot.proposals?.get(proposal.branch);
        const decision =
          proposal === undefined
            ? undefined
            : decideProposal(image.push, state ?? { branch: proposal.branch });
        const proposed =
          decision?.kind === "write" && decision.proposed !== undefined && proposal !== undefined
            ? { proposed: { tag: decision.proposed.tag, branch: proposal.branch } }
            : {};
        return {
          push: image.push,
          changes: byTime([...image.changes, ...(proposal?.changes ?? [])]),
          ...proposed,
        };
      }),
    },
    clock,
    deadline,
    ownTimes,
  );
  if (stale.size === 0) return { ...plan, warnings: [...plan.warnings, ...warnings] };
  const fresh = planAll(
    pushes.filter((push) => !stale.has(push)),
    round,
  );
  const images = plan.images.map((image): ImageReport => {
    const reason = stale.get(image.push);
    if (reason !== undefined) return { push: image.push, outcome: "stale", reason, changes: [] };
    return fresh.images.find((candidate) => candidate.push === image.push) ?? image;
  });
  return { ...fresh, images, warnings: [...fresh.warnings, ...warnings] };
}

function planAll(pushes: readonly EcrPush[], round: Parameters<typeof planRound>[1]): RoundPlan {
  const { snapshot, config, resolutions } = round;
  const direct = planUpdate({ pushes, files: snapshot.files, config, resolutions, route: "direct" });
  const base = new Map(snapshot.files);
  for (const file of direct.files) base.set(file.path, file.after);
  const planned = planProposals({ pushes, files: base, config, resolutions });
  const warnings = new Map(direct.warnings.map((warning) => [`${warning.code} ${warning.file}`, warning]));
  for (const warning of planned.warnings) warnings.set(`${warning.code} ${warning.file}`, warning);
  return {
    ...direct,
    warnings: [...warnings.values()],
    versionChecked: new Set([...direct.versionChecked, ...planned.versionChecked]),
    proposals: planned.proposals,
  };
}
