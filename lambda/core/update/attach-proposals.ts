import type { ImageReport, ProposalReport, UpdateOutcome } from "./outcomes.ts";
import type { PlannedProposal } from "./plan-proposals.ts";

/**
 * Puts each image's pull request result on its report and decides the image's one outcome: `blocked` when its
 * pull request branch had to be left alone, else `proposed` when a pull request was opened or updated, else
 * what its direct files say (`updated`, or `no-change` with the pull request's reason when both had nothing
 * to do).
 *
 * @example
 * attachProposals(round.images, round.proposals, reports)[0]?.outcome; // "proposed"
 */
export function attachProposals(
  images: readonly ImageReport[],
  proposals: readonly PlannedProposal[],
  reports: readonly ProposalReport[],
): ImageReport[] {
  return images.map((image) => {
    const index = proposals.findIndex((proposal) => proposal.push === image.push);
    const proposal = index < 0 ? undefined : reports[index];
    if (proposal === undefined) return image;
    if (proposal.outcome === "no-change" && image.changes.length > 0) return { ...image, proposal };
    const outcome = proposal.outcome === "no-change" ? "no-change" : proposal.outcome;
    const reason = proposal.reason ?? image.reason;
    return reason === undefined ? { ...image, outcome, proposal } : { ...image, outcome, reason, proposal };
  });
}

/**
 * What an update did overall: `updated` when the branch got a commit (or, on a dry run, would), else
 * `proposed`, `blocked`, `stale`, `no-change` — the first that some image has.
 *
 * @example
 * overallOutcome(images, true); // "updated"
 */
export function overallOutcome(images: readonly ImageReport[], committed: boolean): UpdateOutcome {
  if (committed) return "updated";
  for (const outcome of ["proposed", "blocked", "stale"] as const) {
    if (images.some((image) => image.outcome === outcome)) return outcome;
  }
  return "no-change";
}
