import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureOutput, summaryLines } from "../support/capture-output.ts";
import { closeEmulators, resetAws, startGitHubScenario as scenario } from "../support/github-scenario.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";

const DEV = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const PROD = "apps/snutt-prod/snutt-timetable/deployment.yaml";
const BRANCH = "heimdall/snutt-prod/snutt-timetable";

beforeEach(resetAws);
afterEach(closeEmulators);

const files = (pullRequest: string) => ({
  ".heimdall.yaml": `version: 1\ntargets:\n  - repository: snutt-prod/*\n    paths: ["apps/snutt-prod/**"]\n    pullRequest: ${pullRequest}\n`,
  [DEV]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
  [PROD]: deployment("snutt-timetable", "snutt-prod/snutt-timetable:45"),
});
const prod = (tag: string) => pushEvent("snutt-prod/snutt-timetable", tag);

async function run(handler: (event: unknown) => Promise<unknown>, ...events: Record<string, unknown>[]) {
  const { result, lines } = await captureOutput(() => handler(sqsBatch(events)));
  return { result, lines, summaries: summaryLines(lines) };
}

describe("handler over the GitHub emulator: pullRequest settings and permissions", () => {
  it("enables auto-merge with the configured method, and ensures it and the labels again on every update", async () => {
    const { gh, handler } = await scenario(files("{ autoMerge: squash, labels: [deploy] }"));
    await run(handler, prod("46"));
    expect(gh.pullRequests()[0]).toMatchObject({
      state: "OPEN",
      autoMergeMethod: "SQUASH",
      labels: ["deploy"],
    });
    gh.clearPullRequest(1);
    const { summaries } = await run(handler, prod("47"));
    expect(summaries).toEqual([expect.objectContaining({ outcome: "proposed", pullRequestNumber: 1 })]);
    expect(gh.pullRequests()[0]).toMatchObject({ autoMergeMethod: "SQUASH", labels: ["deploy"] });
  });

  it("merges at once when GitHub says there is nothing to wait for (clean status)", async () => {
    const { gh, handler } = await scenario(files("{ autoMerge: squash }"));
    gh.settings.requiredChecks = false;
    const { summaries } = await run(handler, prod("46"));
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
    const { result, lines, summaries } = await run(handler, prod("46"));
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
    await run(handler, prod("46"));
    const tip = await gh.head(BRANCH);
    gh.settings.pullRequests = "none";

    const { result, summaries } = await run(handler, prod("47"));
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

    const direct = await run(handler, pushEvent("snutt-dev/snutt-timetable", "46"));
    expect(direct.summaries).toEqual([expect.objectContaining({ outcome: "updated" })]);
  });
});
