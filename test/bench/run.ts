/**
 * `npm run bench`: every benchmark of the project, printed as a table. Figures in README come from here.
 * Performance goals live here, never in timed tests.
 */
import { runEngineBench } from "./engine-bench.ts";

const runs = Number(process.env.BENCH_RUNS ?? 7);
console.log(`node ${process.version}, ${runs} runs per figure\n`);
console.log("## Engine (planning, in memory)");
for (const row of runEngineBench({ runs })) console.log(`- ${row.name}: ${row.value}`);
