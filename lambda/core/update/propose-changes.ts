import type { EcrPush } from "../event/ecr-push.ts";
import { decideProposal } from "./decide-proposal.ts";
import type { GitOpsRepository, ProposalState } from "./gitops-repository.ts";
import type { ImageProvenance } from "./image-provenance-reader.ts";
import type { ProposalReport } from "./outcomes.ts";
import type { PlannedProposal } from "./plan-proposals.ts";
import { renderProposal } from "./render-proposal.ts";
import { StaleHeadError } from "./stale-head-error.ts";
import type { UpdateWarning } from "./update-warning.ts";

/** Everything {@link proposeChanges} needs; `states` come from the same read the proposals were planned on. */
export interface ProposeChangesInput {
  readonly gitops: GitOpsRepository;
  readonly proposals: readonly PlannedProposal[];
  /** Branch → state as read (`GitOpsSnapshot.proposals`); a branch missing here does not exist. */
  readonly states: ReadonlyMap<string, ProposalState>;
  /** The base head every proposal commit builds on: the direct commit of this update, or the head read. */
  readonly baseOid: string;
  /** The config's `commitMessage` template, for the commit and pull request title. */
  readonly template: string;
  /** Decide and render, but write nothing. */
  readonly dryRun?: boolean;
  /** Source labels per push, for the commit message (see `findProvenance`). */
  readonly provenance?: ReadonlyMap<EcrPush, ImageProvenance>;
  /** Why a reconcile repairs each push, for the commit title and body. */
  readonly repairReasons?: ReadonlyMap<EcrPush, string>;
  /** Every write and re-read gives up past this time (ms since the epoch), as the update's own do. */
  readonly deadline?: number;
}

// A branch that moves under two writes in a row is being written by someone else right now.
const MAX_WRITES = 2;

/**
 * Writes planned proposals back, one image at a time: decides each from its branch state
 * ({@link decideProposal}) and proposes through `gitops.propose`. Reused by every use case that changes
 * manifests (push events, reconcile), so pull request targets behave the same whichever front door fired.
 *
 * A branch that moved between the read and the write (`StaleHeadError`) is read again and decided again —
 * a concurrent heimdall makes it a duplicate or a supersede, a person's commit makes it `blocked`. What the
 * adapter could not do but did not need to fail for (auto-merge not allowed) comes back as warnings.
 *
 * @example
 * const { reports } = await proposeChanges({ gitops, proposals, states: snapshot.proposals ?? new Map(),
 *   baseOid: commit.oid, template: config.commitMessage });
 * reports[0]?.pullRequest?.url; // "https://github.com/wafflestudio/gitops/pull/12"
 */
export async function proposeChanges(
  input: ProposeChangesInput,
): Promise<{ reports: ProposalReport[]; warnings: UpdateWarning[] }> {
  const reports: ProposalReport[] = [];
  const warnings: UpdateWarning[] = [];
  for (const proposal of input.proposals) {
    const { push, branch, changes, files } = proposal;
    let state = input.states.get(branch) ?? { branch };
    for (let write = 1; ; write++) {
      const decision = decideProposal(push, state);
      if (decision.kind !== "write") {
        const outcome = decision.kind === "blocked" ? "blocked" : "no-change";
        reports.push({ branch, outcome, reason: decision.reason, changes, files });
        break;
      }
      if (input.dryRun === true) {
        reports.push({ branch, outcome: "proposed", changes, files });
        break;
      }
      const provenance = input.provenance?.get(push);
      const repairReason = input.repairReasons?.get(push);
      const rendered = renderProposal({
        template: input.template,
        push,
        changes,
        ...(provenance === undefined ? {} : { provenance }),
        ...(repairReason === undefined ? {} : { repairReason }),
      });
      try {
        const result = await input.gitops.propose({
          branch,
          baseOid: input.baseOid,
          ...(decision.expectedBranchOid === undefined
            ? {}
            : { expectedBranchOid: decision.expectedBranchOid }),
          ...(decision.pullRequest === undefined ? {} : { pullRequest: decision.pullRequest }),
          headline: rendered.headline,
          body: rendered.body,
          title: rendered.title,
          description: rendered.description,
          files: files.map((file) => ({ path: file.path, contents: file.after })),
          settings: proposal.settings,
          ...(input.deadline === undefined ? {} : { deadline: input.deadline }),
        });
        for (const note of result.notes)
          warnings.push({ code: "pull-request-setting", file: branch, message: note });
        reports.push({
          branch,
          outcome: "proposed",
          changes,
          files,
          commit: { ...result.commit, headline: rendered.headline, body: rendered.body },
          ...(result.pullRequest === undefined ? {} : { pullRequest: result.pullRequest }),
        });
        break;
      } catch (error) {
        if (!(error instanceof StaleHeadError)) throw error;
        if (write >= MAX_WRITES) {
          reports.push({
            branch,
            outcome: "blocked",
            reason: `branch ${branch} moved under each of ${write} writes; someone else is writing it — left it alone`,
            changes,
            files,
          });
          break;
        }
        const reread = await input.gitops.read({
          roots: [],
          configPaths: [],
          proposalBranches: [branch],
          ...(input.deadline === undefined ? {} : { deadline: input.deadline }),
        });
        state = reread.proposals?.get(branch) ?? { branch };
      }
    }
  }
  return { reports, warnings };
}
