import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeEmulators, resetAws, startGitHubScenario as scenario } from "../support/github-scenario.ts";
import { pushEvent } from "../support/lambda-events.ts";
import { BRANCH, PROD, prodPush, pullRequestRepository, runBatch } from "../support/pull-request-scenario.ts";

beforeEach(resetAws);
afterEach(closeEmulators);

const files = (pullRequest: string) =>
  pullRequestRepository(
    `  - repository: snutt-prod/*\n    paths: ["apps/snutt-prod/**"]\n    pullRequest: ${pullRequest}\n`,
  );

describe("handler over the GitHub emulator: pullRequest settings and permissions", () => {
  it("enables auto-merge with the configured method, and ensures it and the labels again on every update", async () => {
    const { gh, handler } = await scenario(files("{ autoMerge: squash, labels: [deploy] }"));
    await runBatch(handler, prodPush("46"));
    expect(gh.pullRequests()[0]).toMatchObject({
      state: "OPEN",
      autoMergeMethod: "SQUASH",
      labels: ["deploy"],
    });
    gh.clearPullRequest(1);
    const { summaries } = await runBatch(handler, prodPush("47"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1 })]);
    expect(gh.pullRequests()[0]).toMatchObject({ autoMergeMethod: "SQUASH", labels: ["deploy"] });
  });

  it("merges at once when GitHub says there is nothing to wait for (clean status)", async () => {
    const { gh, handler } = await scenario(files("{ autoMerge: squash }"));
    gh.settings.requiredChecks = false;
    const { summaries } = await runBatch(handler, prodPush("46"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1 })]);
    expect(gh.pullRequests()[0]?.state).toBe("MERGED");
    expect(await gh.readFile(PROD)).toContain("snutt-prod/snutt-timetable:46");
    const [merge] = await gh.commits();
    expect(merge).toMatchObject({
      headline: "Automated commit by ECR push (snutt-prod/snutt-timetable:46) (#1)",
      verified: true,
    });
  });

  it("keeps the pull request open and says why when the repository does not allow auto-merge", async () => {
    const { gh, handler } = await scenario(files("{ autoMerge: merge }"));
    gh.settings.allowAutoMerge = false;
    const { result, lines, summaries } = await runBatch(handler, prodPush("46"));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1 })]);
    expect(gh.pullRequests()[0]).toMatchObject({ state: "OPEN" });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        code: "pull-request-setting",
        file: BRANCH,
        warning: expect.stringContaining("Auto merge is not allowed for this repository"),
      }),
    );
  });

  it("without the Pull requests permission: direct targets still commit, a proposal fails naming it, nothing is written", async () => {
    const { gh, handler } = await scenario(files("{}"));
    await runBatch(handler, prodPush("46"));
    const tip = await gh.head(BRANCH);
    gh.settings.pullRequests = "none";

    const { result, summaries } = await runBatch(handler, prodPush("47"));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "msg-0" }] });
    expect(summaries).toEqual([
      expect.objectContaining({
        outcome: "failed",
        errorName: "GitHubApiError",
        reason: expect.stringContaining('"Pull requests: Read and write"'),
      }),
    ]);
    // The branch was not reset: with its pull request unreadable, nothing about it is touched.
    expect(await gh.head(BRANCH)).toBe(tip);
    expect(gh.pullRequests()[0]?.state).toBe("OPEN");

    const direct = await runBatch(handler, pushEvent("snutt-dev/snutt-timetable", "46"));
    expect(direct.summaries).toEqual([expect.objectContaining({ outcome: "updated" })]);
  });
});
