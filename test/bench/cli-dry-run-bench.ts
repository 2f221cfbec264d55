import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import type { BenchRow } from "./engine-bench.ts";
import { median } from "./median.ts";
import { syntheticGitOpsTree } from "./synthetic-gitops-tree.ts";

const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/heimdall.mjs");
// 4-digit app numbers from app-1000 on: app-4321 is no prefix of another app's name, so one file uses it.
const IMAGE_REPOSITORY = "ns-000/app-4321";
// The floor: a Node process that lists the namespace with one git command and reads every file.
const READ_ALL = `const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");
const dir = process.argv[1];
let bytes = 0;
for (const path of execFileSync("git", ["ls-files", "-z", "--", "apps/ns-000"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 }).split("\\0")) {
  if (path !== "") bytes += readFileSync(dir + "/" + path, "utf8").length;
}`;

/**
 * CLI dry run at scale (issue 9: < 0.6 s whole process over a 5,000-file, 14 MB namespace of which one file uses
 * the image; < 1 s through npx): a real git checkout of one synthetic namespace, `heimdall apply --image …
 * --dry-run` as a whole process, next to two floors measured in the same run, interleaved so all see the
 * same load: a Node process reading every file of the namespace with `readFileSync`, and `git grep -l -F
 * <repository>` alone. Wall-time medians (the machine is shared: the ratios are the figures to read).
 * Uses the CLI as `npm install` built it (`runCliBench` builds it first).
 */
export function runCliDryRunBench(options: { runs: number }): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), "heimdall-bench-cli-"));
  try {
    const files = syntheticGitOpsTree({ namespaces: 1, filesPerNamespace: 5000 });
    let bytes = 0;
    for (const [path, text] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      bytes += Buffer.byteLength(text);
    }
    const git = (args: string[]) =>
      execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], {
        cwd: dir,
        stdio: "ignore",
      });
    git(["init", "--quiet", "--initial-branch=main"]);
    git(["add", "--all"]);
    git(["commit", "--quiet", "--message", "synthetic namespace"]);

    const image = `${SEOUL_REGISTRY}/${IMAGE_REPOSITORY}:4322`;
    const apply = ["apply", "--image", image, "--repo", dir, "--dry-run"];
    const commands: Record<string, readonly [string, readonly string[]]> = {
      readAll: [process.execPath, ["-e", READ_ALL, dir]],
      grep: ["git", ["-C", dir, "grep", "-l", "-F", IMAGE_REPOSITORY]],
      readme: [process.execPath, [CLI, ...apply]],
      npx: ["npx", ["heimdall", ...apply]],
    };
    const times: Record<string, number[]> = Object.fromEntries(
      Object.keys(commands).map((name) => [name, []]),
    );
    for (let i = 0; i < options.runs; i++) {
      for (const [name, [command, args]] of Object.entries(commands)) {
        const start = performance.now();
        const run = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
        const ms = performance.now() - start;
        if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${run.stderr}`);
        if (name === "readme" && !run.stdout.includes("2 values in 1 file")) {
          throw new Error(`the dry run did not plan the one file that uses the image:\n${run.stdout}`);
        }
        times[name]?.push(ms);
      }
    }
    const readAll = median(times.readAll ?? []);
    const grep = median(times.grep ?? []);
    const row = (name: string, key: string, goal: string): BenchRow => {
      const ms = median(times[key] ?? []);
      return {
        name,
        value:
          `${ms.toFixed(0)} ms: ${(ms / readAll).toFixed(2)}× readFileSync of every file (${readAll.toFixed(0)} ms), ` +
          `${(ms / grep).toFixed(2)}× git grep -l -F (${grep.toFixed(0)} ms) (median of ${options.runs}; ${goal})`,
      };
    };
    return [
      {
        name: "synthetic namespace (one git checkout)",
        value: `${files.size} files, ${(bytes / 1e6).toFixed(1)} MB, image ${IMAGE_REPOSITORY} used in 1 file`,
      },
      row("`node dist/cli/heimdall.mjs apply --image … --dry-run`, whole process", "readme", "goal < 600 ms"),
      row("`npx heimdall apply --image … --dry-run`, whole process", "npx", "bar < 1000 ms"),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
