import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { metricTotal } from "../support/capture-output.ts";
import { closeEmulators, resetAws, startGitHubScenario as scenario } from "../support/github-scenario.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";
import {
  BRANCH,
  DEV,
  PROD,
  prodPush,
  pullRequestRepository,
  runBatch,
} from "../support/pull-request-scenario.ts";

beforeEach(resetAws);
afterEach(closeEmulators);

const files = () =>
  pullRequestRepository(
    '  - repository: snutt-dev/*\n    paths: ["apps/snutt-dev/**"]\n  - repository: snutt-prod/*\n    paths: ["apps/snutt-prod/**"]\n    pullRequest: { labels: [deploy, prod] }\n',
  );

describe("handler over the GitHub emulator: pull request targets", () => {
  it("opens a pull request from one Verified commit on the base, labelled, and leaves the branch alone", async () => {
    const { gh, handler, newCommits } = await scenario(files());
    const base = await gh.head();
    const { result, lines, summaries } = await runBatch(handler, prodPush("46"));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(0);
    const [pr] = gh.pullRequests();
    expect(pr).toMatchObject({
      number: 1,
      state: "OPEN",
      title: "Automated commit by ECR push (snutt-prod/snutt-timetable:46)",
      headRefName: BRANCH,
      baseRefName: "main",
      labels: ["deploy", "prod"],
      isDraft: false,
    });
    expect(pr?.body).toContain(
      "apps/snutt-prod/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46",
    );
    expect(pr?.body).toContain("sha256:");
    const [tip, parent] = await gh.commits(`refs/heads/${BRANCH}`);
    expect(tip).toMatchObject({ parents: [base], verified: true, headline: pr?.title });
    expect(parent?.oid).toBe(base);
    expect(await gh.readFile(PROD, BRANCH)).toBe(
      deployment("snutt-timetable", "snutt-prod/snutt-timetable:46"),
    );
    expect(summaries).toEqual([
      expect.objectContaining({
        outcome: "proposed",
        pullRequestNumber: 1,
        pullRequestUrl: "https://github.com/wafflestudio/gitops/pull/1",
        pullRequestBranch: BRANCH,
        proposalSha: tip?.oid,
        files: [PROD],
      }),
    ]);
    expect(metricTotal(lines, "Proposals")).toBe(1);
    expect(metricTotal(lines, "PushToProposalLatency")).toBeGreaterThan(0);
  });

  it("supersedes its proposal in the same pull request, rebuilt as one commit on the moved base", async () => {
    const { gh, handler } = await scenario(files());
    await runBatch(handler, prodPush("46"));
    const moved = await gh.pushCommit({ "README.md": "# base moved\n" }, "Someone else's change");
    const { summaries } = await runBatch(handler, prodPush("47"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1 })]);
    expect(gh.pullRequests()).toHaveLength(1);
    expect(gh.pullRequests()[0]).toMatchObject({
      state: "OPEN",
      title: "Automated commit by ECR push (snutt-prod/snutt-timetable:47)",
      labels: ["deploy", "prod"],
    });
    const [tip] = await gh.commits(`refs/heads/${BRANCH}`);
    expect(tip).toMatchObject({ parents: [moved], verified: true });
    expect(await gh.readFile(PROD, BRANCH)).toContain("snutt-prod/snutt-timetable:47");
    expect(await gh.readFile("README.md", BRANCH)).toBe("# base moved\n");
    // The staging branch the commit was built on is gone.
    await expect(gh.head("heimdall-staging/snutt-prod--snutt-timetable")).rejects.toThrow(/does not exist/);
  });

  it("makes no write for a duplicate push", async () => {
    const { gh, handler } = await scenario(files());
    await runBatch(handler, prodPush("46"));
    const tip = await gh.head(BRANCH);
    const before = gh.requests.length;
    const { summaries } = await runBatch(handler, prodPush("46"));
    expect(summaries).toEqual([
      expect.objectContaining({
        outcome: "no-change",
        reason: expect.stringContaining("already proposed in pull request #1"),
      }),
    ]);
    const writes = gh.requests.slice(before).filter((request) => request.operation !== "graphql query");
    expect(writes).toEqual([]);
    expect(await gh.head(BRANCH)).toBe(tip);
  });

  it("leaves a branch with someone's commit on it untouched: blocked, at warn, not retried", async () => {
    const { gh, handler } = await scenario(files());
    await runBatch(handler, prodPush("46"));
    const fix = await gh.pushCommit({ [PROD]: "# a person's fix\n" }, "Fix the probe", BRANCH);
    const { result, lines, summaries } = await runBatch(handler, prodPush("47"));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(summaries).toEqual([
      expect.objectContaining({
        outcome: "blocked",
        level: "WARN",
        reason: expect.stringContaining("which heimdall did not make"),
      }),
    ]);
    expect(metricTotal(lines, "Blocked")).toBe(1);
    expect(await gh.head(BRANCH)).toBe(fix);
    expect(gh.pullRequests()[0]).toMatchObject({ state: "OPEN", title: expect.stringContaining(":46)") });
  });

  it("after a pull request is closed unmerged: the same tag stays declined, the next push opens a new one", async () => {
    const { gh, handler } = await scenario(files());
    await runBatch(handler, prodPush("46"));
    await gh.closePullRequest(1);
    const declined = await runBatch(handler, prodPush("46"));
    expect(declined.summaries).toEqual([
      expect.objectContaining({
        outcome: "no-change",
        reason: expect.stringContaining("closed without merging"),
      }),
    ]);
    const { summaries } = await runBatch(handler, prodPush("47"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 2 })]);
    expect(gh.pullRequests().map((pr) => [pr.number, pr.state])).toEqual([
      [1, "CLOSED"],
      [2, "OPEN"],
    ]);
  });

  it("after a merge, starts fresh from the base that now holds the merged change", async () => {
    const { gh, handler } = await scenario(files());
    await runBatch(handler, prodPush("46"));
    await gh.mergePullRequest(1);
    expect(await gh.readFile(PROD)).toContain("snutt-prod/snutt-timetable:46");
    const base = await gh.head();
    const { summaries } = await runBatch(handler, prodPush("47"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 2 })]);
    const [tip] = await gh.commits(`refs/heads/${BRANCH}`);
    expect(tip?.parents).toEqual([base]);
    expect(await gh.readFile(PROD, BRANCH)).toContain("snutt-prod/snutt-timetable:47");
  });

  it("builds on the base it read when the base moves between read and write, losing nothing", async () => {
    const { gh, handler } = await scenario(files());
    const read = await gh.head();
    let theirs = "";
    gh.faults.beforeMutation(async () => {
      theirs = await gh.pushCommit({ "README.md": "# raced\n" }, "Someone else, meanwhile");
    });
    const { summaries } = await runBatch(handler, prodPush("46"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed" })]);
    expect(await gh.head()).toBe(theirs);
    const [tip] = await gh.commits(`refs/heads/${BRANCH}`);
    expect(tip?.parents).toEqual([read]);
    expect(gh.pullRequests()[0]?.state).toBe("OPEN");
  });

  it("commits the direct image and proposes the other on top of that commit, in one SQS batch", async () => {
    const { gh, handler, newCommits } = await scenario(files());
    const { summaries } = await runBatch(
      handler,
      pushEvent("snutt-dev/snutt-timetable", "46"),
      prodPush("46"),
    );
    expect(await newCommits()).toBe(1);
    const [direct] = await gh.commits();
    expect(summaries).toEqual([
      expect.objectContaining({ outcome: "updated", commitSha: direct?.oid, files: [DEV] }),
      expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1, files: [PROD] }),
    ]);
    const [tip] = await gh.commits(`refs/heads/${BRANCH}`);
    expect(tip?.parents).toEqual([direct?.oid]);
    expect(await gh.readFile(PROD)).toContain("snutt-prod/snutt-timetable:45");
    expect(await gh.readFile(DEV, BRANCH)).toContain("snutt-dev/snutt-timetable:46");
  });

  it("blocks an image whose branch git cannot hold next to another heimdall branch", async () => {
    const { gh, handler } = await scenario(files());
    await gh.createBranch("heimdall/snutt-prod");
    const { summaries } = await runBatch(handler, prodPush("46"));
    expect(summaries).toEqual([
      expect.objectContaining({
        outcome: "blocked",
        reason: expect.stringContaining("while branch heimdall/snutt-prod exists"),
      }),
    ]);
    expect(gh.pullRequests()).toEqual([]);
  });
});
