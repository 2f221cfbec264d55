import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchRow } from "./engine-bench.ts";
import { median } from "./median.ts";

const ROOT = join(import.meta.dirname, "../..");
/** The README's command for the CLI, as `npm install` builds it. */
const CLI = join(ROOT, "dist/cli/heimdall.mjs");

/**
 * CLI start-up (issue 9: `heimdall --help` whole process ≤ 0.25 s via the README's command), each figure next
 * to the floor measured in the same run, interleaved so both see the same load: `node -e 0`, Node starting
 * and doing nothing. Builds the CLI first exactly as `npm install`'s `prepare` does.
 */
export function runCliBench(options: { runs: number }): BenchRow[] {
  const built = spawnSync(process.execPath, [join(ROOT, "scripts/build-cli.mjs")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`scripts/build-cli.mjs failed:\n${built.stderr}`);
  const commands: Record<string, readonly [string, readonly string[]]> = {
    floor: [process.execPath, ["-e", "0"]],
    readme: [process.execPath, [CLI, "--help"]],
    npx: ["npx", ["heimdall", "--help"]],
  };
  const times: Record<string, number[]> = { floor: [], readme: [], npx: [] };
  for (let i = 0; i < options.runs; i++) {
    for (const [name, [command, args]] of Object.entries(commands)) {
      const start = performance.now();
      const run = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${run.stderr}`);
      times[name]?.push(performance.now() - start);
    }
  }
  const floor = median(times.floor ?? []);
  const row = (name: string, key: string, goal: string): BenchRow => {
    const ms = median(times[key] ?? []);
    return {
      name,
      value: `${ms.toFixed(0)} ms vs node -e 0 ${floor.toFixed(0)} ms: ${(ms / floor).toFixed(2)}× the floor (median of ${options.runs}; ${goal})`,
    };
  };
  return [
    row(
      "`node dist/cli/heimdall.mjs --help`, whole process (the README's command)",
      "readme",
      "goal ≤ 250 ms",
    ),
    row("`npx heimdall --help`, whole process (npm's own start-up included)", "npx", "for comparison"),
  ];
}
