import type { GitHubEmulator } from "../support/github-emulator/create-github-emulator.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";
import type { BenchRow } from "./engine-bench.ts";
import { benchEmulator, heimdallHandler } from "./lambda-bench.ts";

const CONFIG = `version: 1
targets:
  - repository: snutt-dev/*
    paths: ["apps/snutt-dev/**"]
  - repository: snutt-prod/*
    paths: ["apps/snutt-prod/**"]
    pullRequest: { autoMerge: squash, labels: [deploy] }
`;

/**
 * GitHub requests per warm event for a `pullRequest:` target, counted on the emulator (50 ms per request),
 * next to a direct commit on the same emulator: the proposal that opens a pull request (commit, pull request,
 * labels, auto-merge), the one that updates it (staging commit, branch move, pull request + auto-merge when
 * needed), and a duplicate (the read only).
 */
export async function runPullRequestBench(options: { runs: number }): Promise<BenchRow[]> {
  const emulator = await benchEmulator({
    ".heimdall.yaml": CONFIG,
    "apps/snutt-dev/app/deployment.yaml": deployment("app", "snutt-dev/app:1"),
    "apps/snutt-prod/app/deployment.yaml": deployment("app", "snutt-prod/app:1"),
  });
  try {
    const handler = heimdallHandler(emulator.url);
    let tag = 100;
    await handler(pushEvent("snutt-dev/app", String(tag++))); // cold: secret, token, default branch
    const measure = async (repository: string, push = String(tag++)) => {
      // A second apart, as pushes arrive: the adapter keeps GitHub's ≥ 1 s between writes.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const before = emulator.requests.length;
      const start = performance.now();
      await handler(pushEvent(repository, push));
      return { ms: performance.now() - start, requests: describe(emulator, before) };
    };
    const direct = await measure("snutt-dev/app");
    const opened = await measure("snutt-prod/app");
    const updates: { ms: number; requests: string }[] = [];
    for (let i = 0; i < options.runs; i++) updates.push(await measure("snutt-prod/app"));
    const duplicate = await measure("snutt-prod/app", String(tag - 1));
    const median = [...updates].sort((a, b) => a.ms - b.ms)[Math.floor(updates.length / 2)];
    return [
      {
        name: "direct commit, for comparison (warm)",
        value: `${direct.requests}, ${direct.ms.toFixed(0)} ms`,
      },
      {
        name: "proposal opening a pull request (labels, auto-merge)",
        value: `${opened.requests}, ${opened.ms.toFixed(0)} ms`,
      },
      {
        name: "proposal updating its open pull request",
        value: `${median?.requests ?? "?"}, ${median?.ms.toFixed(0) ?? "?"} ms handler latency (median of ${options.runs})`,
      },
      {
        name: "duplicate of the proposed push",
        value: `${duplicate.requests}, ${duplicate.ms.toFixed(0)} ms`,
      },
    ];
  } finally {
    await emulator.close();
  }
}

/** `N GitHub requests (1 read + M writes)` for the requests logged since `before`. */
function describe(emulator: GitHubEmulator, before: number): string {
  const made = emulator.requests.slice(before);
  const reads = made.filter((request) => request.operation === "graphql query").length;
  const total = `${made.length} GitHub request${made.length === 1 ? "" : "s"}`;
  return `${total} (${reads} read${reads === 1 ? "" : "s"} + ${made.length - reads} more)`;
}
