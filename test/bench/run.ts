/**
 * `npm run bench`: every benchmark of the project, printed as a list. Figures in docs/benchmarks.md come from here.
 * Performance goals live here, never in timed tests. BENCH_RUNS sets the runs per figure (default 7).
 */
import { runContentionBench } from "./contention-bench.ts";
import { runEngineBench } from "./engine-bench.ts";
import { runLambdaBench } from "./lambda-bench.ts";
import { runProvenanceBench } from "./provenance-bench.ts";

const runs = Number(process.env.BENCH_RUNS ?? 7);
console.log(`node ${process.version}, ${runs} runs per figure\n`);
console.log("## Lambda");
for (const row of await runLambdaBench({ runs })) console.log(`- ${row.name}: ${row.value}`);
for (const row of await runContentionBench()) console.log(`- ${row.name}: ${row.value}`);
console.log("\n## Provenance (AWS calls per pushed digest, counted on the wire)");
for (const row of await runProvenanceBench()) console.log(`- ${row.name}: ${row.value}`);
console.log("\n## Engine (planning, in memory)");
for (const row of runEngineBench({ runs })) console.log(`- ${row.name}: ${row.value}`);
