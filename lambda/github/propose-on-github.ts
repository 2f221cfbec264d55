import type { Octokit } from "@octokit/core";
import {
  type MergeMethod,
  type ProposalRequest,
  type ProposalResult,
  StaleHeadError,
} from "../core/index.ts";
import { commitProposalBranch } from "./commit-proposal-branch.ts";
import { GitHubApiError } from "./github-api-error.ts";
import { requestOptions } from "./request-options.ts";
import { toGitHubApiError } from "./to-github-api-error.ts";

/** The repository a proposal goes to, and the base branch its pull request targets. */
export interface GitHubProposalTarget {
  readonly octokit: Pick<Octokit, "graphql" | "request">;
  readonly owner: string;
  readonly repo: string;
  /** The repository's GraphQL node id. */
  readonly repositoryId: string;
  readonly baseBranch: string;
}

interface PullRequestAnswer {
  readonly id: string;
  readonly number: number;
  readonly url: string;
}

/** What GitHub's settings call the permission pull requests need. */
export const PULL_REQUESTS_PERMISSION = "Pull requests: Read and write";

const CREATE = `mutation HeimdallOpenProposal($input: CreatePullRequestInput!) {
  createPullRequest(input: $input) { pullRequest { id number url } }
}`;
const UPDATE = `mutation HeimdallUpdateProposal($input: UpdatePullRequestInput!) {
  updatePullRequest(input: $input) { pullRequest { id number url } }
}`;
const UPDATE_AND_AUTO_MERGE = `mutation HeimdallUpdateProposal($input: UpdatePullRequestInput!, $auto: EnablePullRequestAutoMergeInput!) {
  updatePullRequest(input: $input) { pullRequest { id number url } }
  auto: enablePullRequestAutoMerge(input: $auto) { clientMutationId }
}`;
const AUTO_MERGE = `mutation HeimdallAutoMerge($auto: EnablePullRequestAutoMergeInput!) {
  auto: enablePullRequestAutoMerge(input: $auto) { clientMutationId }
}`;
const MERGE = `mutation HeimdallMerge($input: MergePullRequestInput!) {
  mergePullRequest(input: $input) { pullRequest { merged } }
}`;

/**
 * Proposes on GitHub: the branch becomes one Verified commit on the base ({@link commitProposalBranch}), then
 * the pull request is opened (title, description, draft) or, when one is open, updated in place (same
 * number); labels and auto-merge are ensured every time, not only at creation. Warm, that is 2–4 requests:
 * the commit (plus the branch move when a pull request is open), the pull request, the missing labels (REST,
 * which creates labels the repository lacks), and auto-merge when it is not on yet — for an open pull request
 * in the same request as its update.
 *
 * Auto-merge: when GitHub answers that the pull request is already mergeable ("clean status": nothing to wait
 * for), it is merged right away with the configured method (one more request). When the repository does not
 * allow auto-merge (or GitHub refuses for another reason) the pull request stays open and a note says why.
 * A missing "Pull requests: Read and write" permission is a {@link GitHubApiError} that names it.
 *
 * @example
 * const result = await proposeOnGitHub(target, request);
 * result.pullRequest; // { number: 12, url: "https://github.com/wafflestudio/gitops/pull/12" }
 */
export async function proposeOnGitHub(
  target: GitHubProposalTarget,
  request: ProposalRequest,
): Promise<ProposalResult> {
  const repository = `${target.owner}/${target.repo}`;
  const timing = requestOptions(request.deadline);
  const commit = await commitProposalBranch(
    { octokit: target.octokit, repository, repositoryId: target.repositoryId },
    request,
  );
  const notes: string[] = [];
  const { settings } = request;
  const open = request.pullRequest;
  const wantAutoMerge =
    settings.autoMerge !== undefined && open?.autoMerge !== settings.autoMerge
      ? settings.autoMerge
      : undefined;
  const auto = (pullRequestId: string, method: MergeMethod) => ({
    pullRequestId,
    mergeMethod: method.toUpperCase(),
  });

  let pull: PullRequestAnswer;
  let autoMergeError: unknown;
  if (open === undefined) {
    const answer = await prGraphql<{ createPullRequest: { pullRequest: PullRequestAnswer } | null }>(
      target,
      CREATE,
      {
        input: {
          repositoryId: target.repositoryId,
          baseRefName: target.baseBranch,
          headRefName: request.branch,
          title: request.title,
          body: request.description,
          draft: settings.draft,
        },
      },
      `opening a pull request from ${request.branch}`,
      request.deadline,
    );
    pull = required(answer.createPullRequest?.pullRequest, repository, request.branch);
  } else {
    const input = { pullRequestId: open.id, title: request.title, body: request.description };
    try {
      const answer = await target.octokit.graphql<{
        updatePullRequest: { pullRequest: PullRequestAnswer } | null;
      }>(
        wantAutoMerge === undefined ? UPDATE : UPDATE_AND_AUTO_MERGE,
        wantAutoMerge === undefined
          ? { input, ...timing }
          : { input, auto: auto(open.id, wantAutoMerge), ...timing },
      );
      pull = required(answer.updatePullRequest?.pullRequest, repository, request.branch);
    } catch (error) {
      const data = (error as { data?: { updatePullRequest?: { pullRequest?: PullRequestAnswer } | null } })
        .data;
      const updated = data?.updatePullRequest?.pullRequest;
      // Only the auto-merge half failed: the pull request is updated, auto-merge is handled below.
      if (updated === undefined || !onlyAutoMergeFailed(error)) {
        throw toGitHubApiError(error, {
          action: `updating pull request #${open.number} of ${repository}`,
          repository,
          permission: PULL_REQUESTS_PERMISSION,
        });
      }
      pull = updated;
      autoMergeError = error;
    }
  }

  const missing = settings.labels.filter((label) => !(open?.labels ?? []).includes(label));
  if (missing.length > 0) {
    try {
      await target.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        owner: target.owner,
        repo: target.repo,
        issue_number: pull.number,
        labels: missing,
        ...timing,
      });
    } catch (error) {
      throw toGitHubApiError(error, {
        action: `labelling pull request #${pull.number} of ${repository}`,
        repository,
        permission: PULL_REQUESTS_PERMISSION,
      });
    }
  }

  if (wantAutoMerge !== undefined && open === undefined) {
    try {
      await target.octokit.graphql(AUTO_MERGE, { auto: auto(pull.id, wantAutoMerge), ...timing });
    } catch (error) {
      autoMergeError = error;
    }
  }
  let merged = false;
  if (autoMergeError !== undefined && wantAutoMerge !== undefined) {
    const message = graphqlMessages(autoMergeError);
    if (/clean status/i.test(message)) {
      // Nothing left to wait for: what auto-merge would do at once, do now.
      await prGraphql(
        target,
        MERGE,
        {
          input: {
            pullRequestId: pull.id,
            mergeMethod: wantAutoMerge.toUpperCase(),
            expectedHeadOid: commit.oid,
          },
        },
        `merging pull request #${pull.number}`,
        request.deadline,
      );
      merged = true;
    } else {
      notes.push(
        `auto-merge (${wantAutoMerge}) not enabled on pull request #${pull.number}: ${message || "GitHub refused"} — ` +
          `the pull request stays open; allow auto-merge in ${repository}'s settings (General → Pull Requests) or merge it by hand`,
      );
    }
  }
  return {
    commit,
    pullRequest: merged
      ? { number: pull.number, url: pull.url, merged }
      : { number: pull.number, url: pull.url },
    notes,
  };
}

async function prGraphql<T>(
  target: GitHubProposalTarget,
  query: string,
  variables: Readonly<Record<string, unknown>>,
  action: string,
  deadline: number | undefined,
): Promise<T> {
  const repository = `${target.owner}/${target.repo}`;
  try {
    return await target.octokit.graphql<T>(query, { ...variables, ...requestOptions(deadline) });
  } catch (error) {
    // Another writer opened the pull request since the read: read again and update that one instead.
    if (/a pull request already exists/i.test(graphqlMessages(error))) {
      throw new StaleHeadError(`${action} in ${repository}: one was opened meanwhile`, "", { cause: error });
    }
    throw toGitHubApiError(error, {
      action: `${action} in ${repository}`,
      repository,
      permission: PULL_REQUESTS_PERMISSION,
    });
  }
}

function required(
  pull: PullRequestAnswer | null | undefined,
  repository: string,
  branch: string,
): PullRequestAnswer {
  if (pull === null || pull === undefined) {
    throw new GitHubApiError(
      `proposing ${branch} in ${repository} failed: GitHub answered without the pull request — the event will be retried`,
      true,
    );
  }
  return pull;
}

function graphqlMessages(error: unknown): string {
  const errors = (error as { errors?: readonly { message?: string }[] } | null)?.errors;
  if (!Array.isArray(errors)) return error instanceof Error ? error.message : String(error);
  return errors.map((e) => e.message ?? "").join("; ");
}

function onlyAutoMergeFailed(error: unknown): boolean {
  const errors = (error as { errors?: readonly { path?: readonly unknown[] }[] } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.path?.[0] === "auto");
}
