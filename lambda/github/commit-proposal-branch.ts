import type { Octokit } from "@octokit/core";
import { type CommitResult, type ProposalRequest, StaleHeadError } from "../core/index.ts";
import { GitHubApiError } from "./github-api-error.ts";
import { requestOptions } from "./request-options.ts";
import { toGitHubApiError } from "./to-github-api-error.ts";

/** Where the proposal commit is made, and the repository handle the ref mutations need. */
export interface ProposalBranchTarget {
  readonly octokit: Pick<Octokit, "graphql">;
  /** `owner/repo`. */
  readonly repository: string;
  /** The repository's GraphQL node id (`updateRefs` wants it). */
  readonly repositoryId: string;
}

interface GraphQLErrorLike {
  readonly type?: string;
  readonly message?: string;
  readonly path?: readonly (string | number)[];
}

const NO_OID = "0".repeat(40);
const COMMIT_SELECTION = "commit: createCommitOnBranch(input: $commit) { commit { oid url } }";
const PREPARE = `mutation HeimdallPrepareProposal($refs: UpdateRefsInput!, $commit: CreateCommitOnBranchInput!) {
  refs: updateRefs(input: $refs) { clientMutationId }
  ${COMMIT_SELECTION}
}`;
const MOVE = `mutation HeimdallMoveProposal($refs: UpdateRefsInput!) {
  refs: updateRefs(input: $refs) { clientMutationId }
}`;

/**
 * Makes `request.branch` exactly one Verified commit on `request.baseOid`, in two GraphQL requests at most.
 *
 * `createCommitOnBranch` (the only write GitHub signs for an App) needs a branch that already points at the
 * parent. Without an open pull request, the branch itself is set to the base and committed on, in ONE request
 * (`updateRefs` guarded by the oid read, then `createCommitOnBranch`; GraphQL runs them in order). With an
 * open pull request that would, for a moment, leave it without commits — GitHub then closes it for good — so
 * the commit is built on a staging branch `heimdall-staging/<image, '/' as '--'>` instead, and a second
 * request moves the branch to it in one forced update guarded by the oid read, deleting the staging branch
 * in the same atomic `updateRefs`.
 *
 * A branch that moved since the read is a {@link StaleHeadError} (nothing of anyone's is overwritten).
 *
 * @example
 * const commit = await commitProposalBranch(target, request); // { oid: "…", url: "https://github.com/…/commit/…" }
 */
export async function commitProposalBranch(
  target: ProposalBranchTarget,
  request: ProposalRequest,
): Promise<CommitResult> {
  const branchRef = `refs/heads/${request.branch}`;
  const expected = request.expectedBranchOid ?? NO_OID;
  const staging = request.pullRequest === undefined ? undefined : stagingBranch(request.branch);
  const buildOn = staging ?? request.branch;
  const commit = await mutate<{ commit: { commit: CommitResult | null } | null }>(target, request, PREPARE, {
    refs: {
      repositoryId: target.repositoryId,
      refUpdates: [
        staging === undefined
          ? { name: branchRef, beforeOid: expected, afterOid: request.baseOid, force: true }
          : { name: `refs/heads/${staging}`, afterOid: request.baseOid, force: true },
      ],
    },
    commit: {
      branch: { repositoryNameWithOwner: target.repository, branchName: buildOn },
      expectedHeadOid: request.baseOid,
      message:
        request.body === ""
          ? { headline: request.headline }
          : { headline: request.headline, body: request.body },
      fileChanges: {
        additions: request.files.map((file) => ({
          path: file.path,
          contents: Buffer.from(file.contents, "utf8").toString("base64"),
        })),
      },
    },
  });
  const made = commit.commit?.commit;
  if (made === null || made === undefined) {
    throw new GitHubApiError(
      `committing the proposal to ${target.repository}@${buildOn} failed: GitHub answered without a commit — the event will be retried`,
      true,
    );
  }
  if (staging !== undefined) {
    await mutate(target, request, MOVE, {
      refs: {
        repositoryId: target.repositoryId,
        refUpdates: [
          { name: branchRef, beforeOid: expected, afterOid: made.oid, force: true },
          { name: `refs/heads/${staging}`, beforeOid: made.oid, afterOid: NO_OID, force: true },
        ],
      },
    });
  }
  return made.url === undefined ? { oid: made.oid } : { oid: made.oid, url: made.url };
}

/** The staging branch of a proposal branch: outside `heimdall/`, one level, unique per image. */
export function stagingBranch(branch: string): string {
  // ECR repository names never hold "--" (separators are single), so the mapping cannot collide.
  return `heimdall-staging/${branch.replace(/^heimdall\//, "").replaceAll("/", "--")}`;
}

async function mutate<T>(
  target: ProposalBranchTarget,
  request: ProposalRequest,
  query: string,
  variables: Readonly<Record<string, unknown>>,
): Promise<T> {
  try {
    return await target.octokit.graphql<T>(query, { ...variables, ...requestOptions(request.deadline) });
  } catch (error) {
    const errors = (error as { errors?: readonly GraphQLErrorLike[] } | null)?.errors;
    const first = Array.isArray(errors) ? errors[0] : undefined;
    // A refused ref update or a stale commit means the branch is not where it was read: someone else moved it.
    if (
      first !== undefined &&
      first.type !== "FORBIDDEN" &&
      (first.path?.[0] === "refs" || first.type === "STALE_DATA")
    ) {
      throw new StaleHeadError(
        `${target.repository}@${request.branch} moved since it was read (${first.message ?? first.type ?? "ref update refused"})`,
        request.expectedBranchOid ?? NO_OID,
        { cause: error },
      );
    }
    throw toGitHubApiError(error, {
      action: `writing the proposal branch ${request.branch} of ${target.repository}`,
      repository: target.repository,
    });
  }
}
