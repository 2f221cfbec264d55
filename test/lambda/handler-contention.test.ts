import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGit } from "../../lambda/local/run-git.ts";
import { captureOutput, metricTotal, summaryLines } from "../support/capture-output.ts";
import {
  closeEmulators,
  lambdaContext,
  resetAws,
  startGitHubScenario as scenario,
} from "../support/github-scenario.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";

// Twenty invocations each get a 60 s Lambda deadline and the ones that run out are invoked once more, so on a
// starved machine the whole case may legitimately need more than vitest's default 60 s: this bounds a hang,
// it does not time anything.
const CONCURRENCY_TEST_TIMEOUT_MS = 300_000;

beforeEach(resetAws);
afterEach(closeEmulators);

const LAMBDA_TIMEOUT_MS = 60_000;
const pathOf = (app: string) => `apps/shop/${app}/deployment.yaml`;

describe("handler over the GitHub emulator: concurrent invocations on one branch", () => {
  it(
    "lands 20 concurrent direct invocations on one branch: each push once, none overwritten, no empty commit",
    async () => {
      const apps = Array.from({ length: 20 }, (_, index) => `app-${index}`);
      const files = Object.fromEntries(apps.map((app) => [pathOf(app), deployment(app, `shop/${app}:1`)]));
      const { gh, container, newCommits } = await scenario(files, {}, { realPauses: true });
      const containers = apps.map(() => container());
      const invoke = (index: number) =>
        containers[index]?.(pushEvent(`shop/${apps[index]}`, "2"), lambdaContext(LAMBDA_TIMEOUT_MS));

      const first = await captureOutput(() => Promise.allSettled(apps.map((_, index) => invoke(index))));
      // On this emulator they all land within the budget (`npm run bench` measures how fast); on a starved
      // machine an invocation may run out of time instead — then it must have given its event back cleanly,
      // and EventBridge's retry lands it.
      const retried = first.result.flatMap((settled, index) =>
        settled.status === "rejected" ? [index] : [],
      );
      for (const index of retried) {
        expect(String((first.result[index] as PromiseRejectedResult).reason)).toMatch(
          /no time left|ran out of time|deadline/,
        );
      }
      const again = await captureOutput(() => Promise.allSettled(retried.map((index) => invoke(index))));
      expect(again.result.filter((settled) => settled.status === "rejected")).toEqual([]);

      for (const app of apps) expect(await gh.readFile(pathOf(app))).toBe(deployment(app, `shop/${app}:2`));
      expect(await newCommits()).toBe(20);
      // Every commit of heimdall's changes exactly the one file of its own push: none empty, none merged.
      const ours = (await gh.commits()).filter((commit) => commit.headline.startsWith("Automated commit"));
      for (const commit of ours) {
        const changed = await runGit(gh.repoDir, [
          "diff-tree",
          "--no-commit-id",
          "--name-only",
          "-r",
          commit.oid,
        ]);
        const app = /shop\/(app-\d+):2/.exec(commit.headline)?.[1] ?? "unreachable";
        expect(changed).toBe(`${pathOf(app)}\n`);
      }
    },
    CONCURRENCY_TEST_TIMEOUT_MS,
  );

  it("reports one copy of a thrice-delivered event as updated and the other two as no-change", async () => {
    const files = { [pathOf("web")]: deployment("web", "shop/web:1") };
    const { gh, container, newCommits } = await scenario(files, {}, { realPauses: true });
    const event = pushEvent("shop/web", "2");
    const copies = [container(), container(), container()];

    const { result, lines } = await captureOutput(() =>
      Promise.all(copies.map((handler) => handler(event, lambdaContext(LAMBDA_TIMEOUT_MS)))),
    );

    expect(result).toHaveLength(3);
    expect(await newCommits()).toBe(1);
    const [commit] = await gh.commits();
    const outcomes = summaryLines(lines).map((line) => [line.outcome, line.commitSha]);
    expect(outcomes.sort()).toEqual([
      ["no-change", undefined],
      ["no-change", undefined],
      ["updated", commit?.oid],
    ]);
    expect(metricTotal(lines, "Updates")).toBe(1);
    expect(metricTotal(lines, "NoChange")).toBe(2);
  });
});
