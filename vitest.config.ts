import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Two projects. `unit`: pure tests (no git, no HTTP, no bundles, no CDK synth), run in seconds with
 * `npm run test:unit`. `integration`: everything that spawns processes, serves HTTP or synthesizes stacks.
 * `npm test` runs both in one vitest run, so the whole suite costs what it did before the split.
 *
 * A test file is `integration` when it imports one of the modules below (directly); the unit project's setup
 * file (test/support/forbid-io.ts) fails any unit test that still reaches a process, socket or server.
 */
const INTEGRATION_IMPORTS = [
  /["']node:(?:child_process|http|https|net)["']/,
  /["']aws-cdk-lib/, // synth and bundling; also seconds just to import
  /\/cdk\//,
  /\/support\/(?:temp-git-repo|github-emulator|github-fixture|github-scenario|fake-aws-json-endpoint|blob-server|invoke-bundle)/,
  /\/scripts\/build\.ts/,
  /\/lambda\/(?:local|cli)\//,
];

const root = import.meta.dirname;
const testFiles = readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".test.ts"))
  .map((name) => `test/${name.replaceAll("\\", "/")}`);
const integration = testFiles.filter((file) => {
  const source = readFileSync(join(root, file), "utf8");
  const imports = source.match(
    /^\s*(?:import|export)\b[^;]*?\bfrom\s+["'][^"']+["']|import\(\s*["'][^"']+["']\s*\)/gm,
  );
  return (imports ?? []).some((statement) => INTEGRATION_IMPORTS.some((pattern) => pattern.test(statement)));
});
const unit = testFiles.filter((file) => !integration.includes(file));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests spawn git and local HTTP servers; two cores do not gain from more workers.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: unit, setupFiles: ["test/support/forbid-io.ts"] } },
      { extends: true, test: { name: "integration", include: integration } },
    ],
  },
});
