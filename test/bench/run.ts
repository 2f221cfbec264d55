/**
 * `npm run bench`: every benchmark of the project, printed as a list. Performance goals live here, never in
 * timed tests. BENCH_RUNS sets the runs per figure (default 7). `npm run bench -- --write-docs` also writes
 * the figures into docs/benchmarks.md (the block between its `bench:begin` and `bench:end` markers), so the
 * published table is always a measured one.
 */
import { availableParallelism, loadavg } from "node:os";
import { runCliBench } from "./cli-bench.ts";
import { runCliDryRunBench } from "./cli-dry-run-bench.ts";
import { runContentionBench } from "./contention-bench.ts";
import type { BenchRow } from "./engine-bench.ts";
import { runEngineBench } from "./engine-bench.ts";
import { runLambdaBench } from "./lambda-bench.ts";
import { runProvenanceBench } from "./provenance-bench.ts";
import { writeBenchDocs } from "./write-bench-docs.ts";

const runs = Number(process.env.BENCH_RUNS ?? 7);
const machine = `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(1)} at start, ${runs} runs per figure`;
console.log(`${machine}\n`);

const sections: { readonly title: string; readonly rows: readonly BenchRow[] }[] = [];
async function section(title: string, rows: () => BenchRow[] | Promise<BenchRow[]>): Promise<void> {
  console.log(`## ${title}`);
  const measured = await rows();
  for (const row of measured) console.log(`- ${row.name}: ${row.value}`);
  console.log("");
  sections.push({ title, rows: measured });
}

await section("CLI start-up", () => runCliBench({ runs }));
await section("CLI dry run at scale (5,000-file namespace, one git checkout)", () =>
  runCliDryRunBench({ runs }),
);
await section("Lambda", () => runLambdaBench({ runs }));
await section("Contention (one branch, concurrent invocations)", () => runContentionBench());
await section("Provenance (AWS calls per pushed digest, counted on the wire)", () => runProvenanceBench());
await section("Engine (planning, in memory)", () => runEngineBench({ runs }));

if (process.argv.includes("--write-docs")) {
  const file = await writeBenchDocs(machine, sections);
  console.log(`wrote the figures into ${file}`);
}
