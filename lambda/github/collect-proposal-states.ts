import type { MergeMethod, ProposalState, PullRequestState } from "../core/index.ts";

interface PullRequestNode {
  readonly id: string;
  readonly number: number;
  readonly url: string;
  readonly state: "OPEN" | "CLOSED" | "MERGED";
  readonly headRefOid: string;
  readonly baseRefName: string;
  readonly isDraft: boolean;
  readonly labels?: { readonly nodes?: readonly ({ readonly name: string } | null)[] | null } | null;
  readonly autoMergeRequest?: { readonly mergeMethod: string } | null;
}

interface TipNode {
  readonly oid?: string;
  readonly message?: string;
  readonly parents?: { readonly totalCount: number };
  readonly signature?: { readonly wasSignedByGitHub?: boolean } | null;
}

/** The `repository` of a read answer, as far as {@link buildProposalSelections} shaped it. */
export type ProposalAnswer = Readonly<Record<string, unknown>>;

/**
 * Turns the proposal selections of one read answer into each branch's {@link ProposalState}: its tip (an
 * unsigned commit says so), the newest pull request into `baseBranch` (an open one first), and the branch
 * that blocks it, if any.
 *
 * @example
 * collectProposalStates(answer.repository, ["heimdall/a"], "main").get("heimdall/a");
 * // { branch: "heimdall/a", head: { oid, parentCount: 1, message, signedByBackend: true }, pullRequest: { number: 12, state: "open", … } }
 */
export function collectProposalStates(
  repository: ProposalAnswer,
  branches: readonly string[],
  baseBranch: string,
): Map<string, ProposalState> {
  const states = new Map<string, ProposalState>();
  branches.forEach((branch, index) => {
    const tip = (repository[`p${index}`] as { target?: TipNode | null } | null)?.target;
    const below = (repository[`x${index}`] as { nodes?: readonly { name: string }[] } | null)?.nodes?.[0];
    const above = branch
      .split("/")
      .map((_, depth) => repository[`y${index}_${depth}`] as { name?: string } | null | undefined)
      .find((ref) => typeof ref?.name === "string");
    const blockedBy =
      below !== undefined ? `${branch}/${below.name}` : above?.name === undefined ? undefined : above.name;
    const pulls = (
      (repository[`q${index}`] as { nodes?: readonly (PullRequestNode | null)[] } | null)?.nodes ?? []
    ).filter((node): node is PullRequestNode => node !== null && node.baseRefName === baseBranch);
    const pull = pulls.find((node) => node.state === "OPEN") ?? pulls[0];
    const state: { -readonly [K in keyof ProposalState]: ProposalState[K] } = { branch };
    if (tip?.oid !== undefined) {
      state.head = {
        oid: tip.oid,
        parentCount: tip.parents?.totalCount ?? 0,
        message: tip.message ?? "",
        signedByBackend: tip.signature?.wasSignedByGitHub === true,
      };
    }
    if (pull !== undefined) state.pullRequest = toPullRequest(pull);
    if (blockedBy !== undefined) state.blockedBy = blockedBy;
    states.set(branch, state);
  });
  return states;
}

function toPullRequest(node: PullRequestNode): PullRequestState {
  const method = node.autoMergeRequest?.mergeMethod.toLowerCase();
  return {
    id: node.id,
    number: node.number,
    url: node.url,
    state: node.state === "OPEN" ? "open" : node.state === "MERGED" ? "merged" : "closed",
    headOid: node.headRefOid,
    labels: (node.labels?.nodes ?? []).flatMap((label) => (label === null ? [] : [label.name])),
    draft: node.isDraft,
    ...(method === "merge" || method === "squash" || method === "rebase"
      ? { autoMerge: method as MergeMethod }
      : {}),
  };
}
