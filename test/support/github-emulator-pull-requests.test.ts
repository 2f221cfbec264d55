import { describe, expect, it } from "vitest";
import { startGitHub, useGitHubFixture } from "../support/github-fixture.ts";

const FILE = "apps/snutt-prod/app/deploy.yaml";
const ZERO = "0".repeat(40);

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are checked field by field
type Json = any;

const REPO_ID = `query { repository(owner: "wafflestudio", name: "gitops") { id } }`;
const REFS = `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`;
const COMMIT = `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`;
const OPEN = `mutation($input: CreatePullRequestInput!) { createPullRequest(input: $input) { pullRequest { id number url state isDraft headRefOid } } }`;
const PULLS = `query($head: String!) { repository(owner: "wafflestudio", name: "gitops") {
  pullRequests(headRefName: $head, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {
    totalCount nodes { number state headRefOid baseRefName labels(first: 10) { nodes { name } } autoMergeRequest { mergeMethod } }
  }
} }`;
const AUTO = `mutation($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { clientMutationId } }`;
const MERGE = `mutation($input: MergePullRequestInput!) { mergePullRequest(input: $input) { pullRequest { merged state } } }`;

/** An emulated repository with branch `heimdall/app` one commit ahead of main, and the Octokit to drive it. */
async function withProposalBranch(start: ReturnType<typeof useGitHubFixture>) {
  const github = await start({ [FILE]: "image: app:1\n" });
  const { emulator, octokit } = github;
  const repositoryId: string = ((await octokit.graphql(REPO_ID)) as Json).repository.id;
  const base = await emulator.head();
  await octokit.graphql(REFS, {
    input: {
      repositoryId,
      refUpdates: [{ name: "refs/heads/heimdall/app", beforeOid: ZERO, afterOid: base }],
    },
  });
  const commit: Json = await octokit.graphql(COMMIT, {
    input: {
      branch: { repositoryNameWithOwner: "wafflestudio/gitops", branchName: "heimdall/app" },
      expectedHeadOid: base,
      message: { headline: "Propose app:2" },
      fileChanges: {
        additions: [{ path: FILE, contents: Buffer.from("image: app:2\n").toString("base64") }],
      },
    },
  });
  const open = async () =>
    (
      (await octokit.graphql(OPEN, {
        input: {
          repositoryId,
          baseRefName: "main",
          headRefName: "heimdall/app",
          title: "Propose app:2",
          body: "",
        },
      })) as Json
    ).createPullRequest.pullRequest;
  return { ...github, repositoryId, base, tip: commit.createCommitOnBranch.commit.oid as string, open };
}

describe("GitHub emulator: refs and pull requests", () => {
  const start = useGitHubFixture();

  it("applies updateRefs atomically: a failed check moves no ref at all", async () => {
    const { emulator, octokit, repositoryId, base, tip } = await withProposalBranch(start);
    const refused = octokit.graphql(REFS, {
      input: {
        repositoryId,
        refUpdates: [
          { name: "refs/heads/staging", afterOid: tip },
          { name: "refs/heads/heimdall/app", beforeOid: base, afterOid: base, force: true },
        ],
      },
    });
    await expect(refused).rejects.toMatchObject({
      errors: [expect.objectContaining({ path: ["updateRefs"] })],
    });
    expect(await emulator.head("heimdall/app")).toBe(tip);
    await expect(emulator.head("staging")).rejects.toThrow(/does not exist/);
    // A non-fast-forward move needs force.
    await expect(
      octokit.graphql(REFS, {
        input: { repositoryId, refUpdates: [{ name: "refs/heads/heimdall/app", afterOid: base }] },
      }),
    ).rejects.toThrow(/not a fast forward/);
  });

  it("opens one pull request per head, lists it newest first, and refuses a second open one", async () => {
    const { octokit, open, tip } = await withProposalBranch(start);
    const pr = await open();
    expect(pr).toMatchObject({ number: 1, state: "OPEN", isDraft: false, headRefOid: tip });
    expect(pr.url).toBe("https://github.com/wafflestudio/gitops/pull/1");
    await expect(open()).rejects.toThrow(/A pull request already exists/);
    const listed: Json = await octokit.graphql(PULLS, { head: "heimdall/app" });
    expect(listed.repository.pullRequests).toMatchObject({
      totalCount: 1,
      nodes: [{ number: 1, state: "OPEN" }],
    });
  });

  it("closes an open pull request for good when its branch is reset onto the base", async () => {
    const { emulator, octokit, repositoryId, base, tip, open } = await withProposalBranch(start);
    await open();
    await octokit.graphql(REFS, {
      input: {
        repositoryId,
        refUpdates: [{ name: "refs/heads/heimdall/app", beforeOid: tip, afterOid: base, force: true }],
      },
    });
    expect(emulator.pullRequests()[0]).toMatchObject({ state: "CLOSED", finalHeadOid: base });
  });

  it("enables auto-merge when checks are required, and says why not otherwise", async () => {
    const { emulator, octokit, open } = await withProposalBranch(start);
    const pr = await open();
    await octokit.graphql(AUTO, { input: { pullRequestId: pr.id, mergeMethod: "SQUASH" } });
    expect(emulator.pullRequests()[0]?.autoMergeMethod).toBe("SQUASH");
    emulator.settings.requiredChecks = false;
    await expect(octokit.graphql(AUTO, { input: { pullRequestId: pr.id } })).rejects.toThrow(/clean status/);
    emulator.settings.allowAutoMerge = false;
    await expect(octokit.graphql(AUTO, { input: { pullRequestId: pr.id } })).rejects.toThrow(
      /Auto merge is not allowed for this repository/,
    );
  });

  it("merges for real: squash writes one signed commit on the base and freezes the head", async () => {
    const { emulator, octokit, open, tip } = await withProposalBranch(start);
    const pr = await open();
    const merged: Json = await octokit.graphql(MERGE, {
      input: { pullRequestId: pr.id, mergeMethod: "SQUASH" },
    });
    expect(merged.mergePullRequest.pullRequest).toEqual({ merged: true, state: "MERGED" });
    expect(await emulator.readFile(FILE)).toBe("image: app:2\n");
    const [head] = await emulator.commits();
    expect(head).toMatchObject({ headline: "Propose app:2 (#1)", verified: true });
    expect(emulator.pullRequests()[0]?.finalHeadOid).toBe(tip);
  });

  it("adds labels over REST, creating the ones the repository lacks (response checked against GitHub's schema)", async () => {
    const { emulator, octokit, open } = await withProposalBranch(start);
    const pr = await open();
    const response = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: "wafflestudio",
      repo: "gitops",
      issue_number: pr.number,
      labels: ["deploy", "prod"],
    });
    expect(response.data.map((label) => label.name)).toEqual(["deploy", "prod"]);
    expect(emulator.labels()).toEqual(["deploy", "prod"]);
  });

  it("without the pull requests permission, hides pull requests and refuses to open, label or merge them", async () => {
    const { emulator, octokit, open } = await withProposalBranch(start);
    const pr = await open();
    emulator.settings.pullRequests = "none";
    const hidden = octokit.graphql(PULLS, { head: "heimdall/app" });
    await expect(hidden).rejects.toMatchObject({
      errors: [
        expect.objectContaining({ type: "FORBIDDEN", message: "Resource not accessible by integration" }),
      ],
      data: { repository: { pullRequests: { totalCount: 1, nodes: [null] } } },
    });
    // No pull request at all: nothing to hide, no error.
    const none: Json = await octokit.graphql(PULLS, { head: "heimdall/other" });
    expect(none.repository.pullRequests.nodes).toEqual([]);
    await expect(octokit.graphql(MERGE, { input: { pullRequestId: pr.id } })).rejects.toThrow(
      /not accessible/,
    );
    await expect(
      octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        owner: "wafflestudio",
        repo: "gitops",
        issue_number: pr.number,
        labels: ["x"],
      }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("keeps every emulator fixture independent", async () => {
    const other = await startGitHub({ "a.yaml": "a: 1\n" });
    try {
      expect(other.emulator.pullRequests()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
