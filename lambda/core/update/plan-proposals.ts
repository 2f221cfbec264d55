import type { HeimdallConfig } from "../config/heimdall-config.ts";
import type { PullRequestSettings } from "../config/read-pull-request-settings.ts";
import { resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { planUpdate } from "./plan-update.ts";
import { proposalBranchName } from "./proposal-branch-name.ts";
import type { UpdateWarning } from "./update-warning.ts";

/** One image's pull request as planned: what it changes on top of the base, and how to open it. */
export interface PlannedProposal {
  readonly push: EcrPush;
  /** `heimdall/<image repository>`. */
  readonly branch: string;
  /** The `pullRequest:` settings of every target covering a changed file, combined. */
  readonly settings: PullRequestSettings;
  readonly changes: readonly ManifestChange[];
  readonly files: readonly { readonly path: string; readonly before: string; readonly after: string }[];
}

/**
 * Plans each push's pull request — pure: the files its `pullRequest:` targets cover, edited on top of
 * `files` (the base as it will be after this update's direct commit, so a proposal shows only its own
 * change). Every image gets its own plan on the same base: one pull request per image. Pushes with nothing to
 * change there plan no proposal.
 *
 * Settings of several targets combine: labels are united, `draft` holds if any target asks for it (and
 * then no auto-merge: GitHub cannot auto-merge a draft), and `autoMerge` is the last target's that sets one.
 *
 * @example
 * const { proposals } = planProposals({ pushes: [prodPush], files, config });
 * proposals[0]?.branch; // "heimdall/snutt-prod/snutt-timetable"
 */
export function planProposals(input: {
  readonly pushes: readonly EcrPush[];
  readonly files: ReadonlyMap<string, string>;
  readonly config: HeimdallConfig;
  readonly resolutions?: ReadonlyMap<EcrPush, TargetResolution>;
}): { proposals: PlannedProposal[]; warnings: UpdateWarning[]; versionChecked: Set<ManifestChange> } {
  const proposals: PlannedProposal[] = [];
  const warnings = new Map<string, UpdateWarning>();
  const versionChecked = new Set<ManifestChange>();
  for (const push of input.pushes) {
    const resolution = input.resolutions?.get(push) ?? resolveTargets(push, input.config);
    if (resolution.kind !== "targets") continue;
    if (!resolution.targets.some((target) => target.pullRequest !== undefined)) continue;
    const plan = planUpdate({
      pushes: [push],
      files: input.files,
      config: input.config,
      route: "proposal",
      ...(input.resolutions === undefined ? {} : { resolutions: input.resolutions }),
    });
    for (const warning of plan.warnings) warnings.set(`${warning.code} ${warning.file}`, warning);
    for (const change of plan.versionChecked) versionChecked.add(change);
    if (plan.files.length === 0) continue;
    const covering = resolution.targets.filter(
      (target) =>
        target.pullRequest !== undefined && plan.files.some((file) => target.paths.matches(file.path)),
    );
    proposals.push({
      push,
      branch: proposalBranchName(push.imageRepository),
      settings: combine(covering.flatMap((target) => target.pullRequest ?? [])),
      changes: plan.changes,
      files: plan.files,
    });
  }
  return { proposals, warnings: [...warnings.values()], versionChecked };
}

function combine(all: readonly PullRequestSettings[]): PullRequestSettings {
  const draft = all.some((settings) => settings.draft);
  const autoMerge = all.findLast((settings) => settings.autoMerge !== undefined)?.autoMerge;
  const labels = [...new Set(all.flatMap((settings) => settings.labels))];
  return draft || autoMerge === undefined ? { labels, draft } : { labels, draft, autoMerge };
}
