import { Lexer } from "yaml";
import {
  DEFAULT_CONFIG,
  type HeimdallConfig,
  parseHeimdallConfig,
} from "../../lambda/core/config/heimdall-config.ts";
import type { EcrPush } from "../../lambda/core/event/ecr-push.ts";
import { planUpdate } from "../../lambda/core/update/plan-update.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { syntheticGitOpsTree } from "./synthetic-gitops-tree.ts";

export interface BenchRow {
  readonly name: string;
  readonly value: string;
}

/**
 * Planning benchmark for the pure engine (issue: "whole tree under 1 s"): a synthetic tree of 10,000
 * manifests in 100 namespaces, planned in memory — no IO, so the figures are the engine's own cost.
 */
export function runEngineBench(options: { runs: number }): BenchRow[] {
  const files = syntheticGitOpsTree({ namespaces: 100, filesPerNamespace: 100 });
  const manifests = [...files.keys()].filter((path) => !path.endsWith("kustomization.yaml")).length;
  const bytes = [...files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const wholeTree = parseHeimdallConfig(
    ".heimdall.yaml",
    'version: 1\ntargets:\n  - repository: "**"\n    paths: ["apps/**"]\n',
  );
  const app = push("ns-042/app-007", "91");
  const sidecar = push("platform/log-shipper", "8");

  const rows: BenchRow[] = [
    {
      name: "synthetic tree",
      value: `${files.size} files (${manifests} manifests), ${(bytes / 1e6).toFixed(1)} MB`,
    },
  ];
  // The worst case parses, edits and verifies all 10,000 files: one measured run is enough to see its cost.
  const scenarios: [string, EcrPush, HeimdallConfig, number][] = [
    ["one namespace (convention apps/ns-042/**)", app, DEFAULT_CONFIG, options.runs],
    ["whole tree mapped, image used in 1 file", app, wholeTree, options.runs],
    ["whole tree mapped, sidecar image in every file (worst case)", sidecar, wholeTree, 1],
  ];
  // Warm the JIT on the worst case's own work (500 files), since that scenario is measured once.
  planUpdate({ pushes: [sidecar], files: new Map([...files].slice(0, 500)), config: wholeTree });
  let worstCase = Number.NaN;
  for (const [name, image, config, runs] of scenarios) {
    let changed = 0;
    let cpu = 0;
    const ms = median(runs, () => {
      const start = process.cpuUsage();
      changed = planUpdate({ pushes: [image], files, config }).files.length;
      cpu = cpuMs(start);
    });
    if (image === sidecar) worstCase = cpu / changed;
    rows.push({
      name: `plan: ${name}`,
      value: `${ms.toFixed(1)} ms (median of ${runs}), ${Math.round((files.size / ms) * 1000).toLocaleString("en-US")} files/s scanned, ${changed} files changed`,
    });
  }
  // The floor: the yaml lexer alone over the same manifests, in the same process and run. Both figures are
  // CPU time of this process, so other work on a shared machine does not skew their ratio.
  const texts = [...files].filter(([path]) => !path.endsWith("kustomization.yaml")).map(([, text]) => text);
  const lexerRuns: number[] = [];
  for (let run = 0; run <= Math.min(options.runs, 3); run++) {
    const start = process.cpuUsage();
    for (const text of texts) for (const _ of new Lexer().lex(text));
    if (run > 0) lexerRuns.push(cpuMs(start) / texts.length); // run 0 warms up
  }
  const lexerMs = lexerRuns.sort((a, b) => a - b)[Math.floor(lexerRuns.length / 2)] ?? Number.NaN;
  rows.push({
    name: "engine per touched file, worst case, CPU time (goal ≤ 0.7 ms, aiming at 2× the lexer)",
    value: `${worstCase.toFixed(3)} ms per file; yaml Lexer alone ${lexerMs.toFixed(3)} ms per file; ${(worstCase / lexerMs).toFixed(1)}× the lexer`,
  });
  return rows;
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(runs: number, work: () => void): number {
  if (runs > 1) work(); // warm-up: JIT and the yaml package's lazy init are not what we measure
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
