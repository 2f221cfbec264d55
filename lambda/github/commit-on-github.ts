import type { Octokit } from "@octokit/core";
import { type CommitRequest, type CommitResult, StaleHeadError } from "../core/index.ts";
import { commitOnBranchInput } from "./commit-on-branch-input.ts";
import { findLandedCommit } from "./find-landed-commit.ts";
import { GitHubApiError } from "./github-api-error.ts";
import { requestOptions } from "./request-options.ts";
import { toGitHubApiError } from "./to-github-api-error.ts";

const COMMIT_MUTATION = `mutation HeimdallCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`;

/**
 * One `createCommitOnBranch` mutation on `target.branch`, guarded by `request.expectedHeadOid`, without
 * author or committer so GitHub signs it as the App (shown Verified). A moved branch is a
 * {@link StaleHeadError} and nothing is written; other failures are {@link GitHubApiError}s that say what to
 * fix. A mutation re-sent after a lost reply (a 5xx or timeout after GitHub committed) that then meets a moved
 * branch looks for its own commit below the head (`findLandedCommit`) and reports it; a mutation that was
 * answered never does, so a concurrent copy of the same event that committed the same change first is not
 * taken for this one's. The request gives up at `request.deadline`.
 *
 * @example
 * await commitOnGitHub({ octokit, owner: "wafflestudio", repo: "gitops", branch: "main" }, request);
 * // { oid: "…", url: "https://github.com/wafflestudio/gitops/commit/…" }
 */
export async function commitOnGitHub(
  target: {
    readonly octokit: Pick<Octokit, "graphql">;
    readonly owner: string;
    readonly repo: string;
    readonly branch: string;
  },
  request: CommitRequest,
): Promise<CommitResult> {
  const { octokit, owner, repo } = target;
  const repository = `${owner}/${repo}`;
  const branchName = target.branch;
  const { deadline } = request;
  const input = commitOnBranchInput({ ...request, repository, branch: branchName });
  // Set when the mutation is sent again after a failure that may have hidden a landed commit.
  let resent = false;
  try {
    const answer = await octokit.graphql<{
      createCommitOnBranch: { commit: { oid: string; url?: string } | null } | null;
    }>(COMMIT_MUTATION, {
      input,
      request: {
        ...requestOptions(deadline).request,
        onRetry: () => {
          resent = true;
        },
      },
    });
    const commit = answer.createCommitOnBranch?.commit;
    if (commit === null || commit === undefined) {
      throw new GitHubApiError(
        `committing to ${repository}@${branchName} failed: GitHub answered without a commit — check the branch on GitHub and retry the event`,
        true,
      );
    }
    return commit.url === undefined ? { oid: commit.oid } : { oid: commit.oid, url: commit.url };
  } catch (error) {
    if (isStaleHead(error)) {
      // Only a re-sent mutation can have landed unseen; a concurrent copy of the same event that
      // committed the same text first is someone else's commit, and this update did nothing.
      const landed = resent
        ? await findLandedCommit({ octokit, owner, repo, branch: branchName, request })
        : undefined;
      if (landed !== undefined) return landed;
      throw new StaleHeadError(
        `${repository}@${branchName} no longer points at ${request.expectedHeadOid}; re-read and re-apply the edit`,
        request.expectedHeadOid,
        { cause: error },
      );
    }
    throw toGitHubApiError(error, { action: `committing to ${repository}@${branchName}`, repository });
  }
}

function isStaleHead(error: unknown): boolean {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return false;
  return errors.some(
    (e: { type?: unknown; message?: unknown }) =>
      e.type === "STALE_DATA" ||
      (typeof e.message === "string" && /expected branch to point to/i.test(e.message)),
  );
}
