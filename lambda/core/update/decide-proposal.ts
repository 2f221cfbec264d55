import type { EcrPush } from "../event/ecr-push.ts";
import type { ProposalState, PullRequestState } from "./gitops-repository.ts";
import { type ProposedImage, readProposalTrailer } from "./proposal-trailer.ts";

/**
 * What to do with one image's proposal branch:
 * - `write`: build the commit and move the branch (guarded by `expectedBranchOid`; absent = create it),
 *   updating `pullRequest` when one is open, else opening a new one;
 * - `unchanged`: nothing to write (already proposed, or this very tag was declined), with why;
 * - `blocked`: the branch holds someone else's work, or git cannot hold it; heimdall leaves it alone.
 */
export type ProposalDecision =
  | {
      readonly kind: "write";
      readonly expectedBranchOid?: string;
      readonly pullRequest?: PullRequestState;
      /** What the open pull request proposes now, for the out-of-order check. */
      readonly proposed?: ProposedImage;
    }
  | { readonly kind: "unchanged"; readonly reason: string }
  | { readonly kind: "blocked"; readonly reason: string };

/**
 * Decides, from the branch and its newest pull request as read, whether heimdall may (re)write the proposal
 * branch of `push`'s image — pure, so both adapters and every front door follow one rule.
 *
 * The tip is heimdall's when it is a single commit (one parent) whose {@link readProposalTrailer} names this
 * image, and the backend did not say it is unsigned (GitHub signs the App's commits; a commit amended or
 * pushed by a person is not). Then:
 * - open pull request, same tag and digest → `unchanged` (a duplicate makes no write, even if the base moved);
 * - open pull request, another push → `write`, updating that pull request (same number);
 * - closed without merging, same tag and digest → `unchanged` (that tag was declined); another push → a new
 *   pull request; merged or none → a new pull request, the branch rebuilt from the base.
 * Without pull requests (`branchOnly`, the CLI's local branch) the branch is the proposal: the same push is
 * `unchanged`, another one rewrites it. A tip that is not heimdall's is `blocked` — unless its pull request was merged with exactly that tip, in which
 * case everything on it is in the base and the branch starts fresh. A branch git cannot create (`heimdall/a`
 * exists and `heimdall/a/b` is wanted, or the other way round) is `blocked` too.
 *
 * @example
 * decideProposal(push, { branch: "heimdall/a", head: { oid, parentCount: 1, message: humanMessage } });
 * // { kind: "blocked", reason: "branch heimdall/a holds commit 1a2b3c4 that heimdall did not make (…) …" }
 */
export function decideProposal(push: EcrPush, state: ProposalState): ProposalDecision {
  const { branch, head, pullRequest } = state;
  const pr = pullRequest === undefined ? "" : ` and pull request #${pullRequest.number}`;
  if (state.blockedBy !== undefined) {
    return {
      kind: "blocked",
      reason:
        `git cannot hold branch ${branch} while branch ${state.blockedBy} exists (ECR repositories 'a' and 'a/b' ` +
        `cannot both propose through pull requests); delete ${state.blockedBy} or let one of the two commit directly`,
    };
  }
  const open = pullRequest?.state === "open" ? pullRequest : undefined;
  if (head === undefined)
    return open === undefined ? { kind: "write" } : { kind: "write", pullRequest: open };

  const proposed = readProposalTrailer(head.message);
  const foreign = whyNotHeimdalls(head, proposed, push.imageRepository);
  if (foreign !== undefined) {
    if (pullRequest?.state === "merged" && pullRequest.headOid === head.oid) {
      return { kind: "write", expectedBranchOid: head.oid };
    }
    return {
      kind: "blocked",
      reason:
        `branch ${branch} holds commit ${head.oid.slice(0, 7)}, which heimdall did not make (${foreign}); ` +
        `left the branch${pr} untouched so no one's work is lost — merge or close the pull request and delete ` +
        "the branch to let heimdall propose again",
    };
  }
  const same = proposed?.tag === push.tag && proposed.digest === push.digest;
  if (state.branchOnly === true) {
    if (same) return { kind: "unchanged", reason: `already proposed on branch ${branch}` };
    return proposed === undefined
      ? { kind: "write", expectedBranchOid: head.oid }
      : { kind: "write", expectedBranchOid: head.oid, proposed };
  }
  if (open !== undefined) {
    if (same) {
      return { kind: "unchanged", reason: `already proposed in pull request #${open.number} (${open.url})` };
    }
    return proposed === undefined
      ? { kind: "write", expectedBranchOid: head.oid, pullRequest: open }
      : { kind: "write", expectedBranchOid: head.oid, pullRequest: open, proposed };
  }
  if (same && pullRequest?.state === "closed" && pullRequest.headOid === head.oid) {
    return {
      kind: "unchanged",
      reason: `pull request #${pullRequest.number} proposing this tag was closed without merging; a newer push opens a new one`,
    };
  }
  return { kind: "write", expectedBranchOid: head.oid };
}

function whyNotHeimdalls(
  head: NonNullable<ProposalState["head"]>,
  proposed: ProposedImage | undefined,
  imageRepository: string,
): string | undefined {
  if (head.parentCount !== 1) return `it has ${head.parentCount} parents, heimdall's has one`;
  if (proposed === undefined) return "its message has no Heimdall-Proposal trailer";
  if (proposed.imageRepository !== imageRepository) {
    return `its trailer names ${proposed.imageRepository}, not ${imageRepository}`;
  }
  if (head.signedByBackend === false) return "it is not signed by GitHub, so it was not made through the API";
  return undefined;
}
