#!/usr/bin/env node
// Builds the `heimdall` CLI into dist/cli/: heimdall.mjs, which package.json's `bin` points at, plus the
// chunk it imports only for real commands (and source maps). Runs as the package's `prepare` script, so `npm install` and `npm ci` on a
// fresh clone build it; plain JavaScript on purpose (esbuild's JS API, no TypeScript loader), because it runs
// before anything else could. The output is never committed (dist/ is gitignored).
//
//   node scripts/build-cli.mjs [outdir]     default: dist/cli
import { chmod } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Bundles lambda/cli/bin.ts and what it imports (yaml, picomatch, semver, diff) into `outdir`: minified ESM
 * for the oldest Node the package supports, `heimdall.mjs` with a `#!/usr/bin/env node` line, executable.
 * Split, so `--help` loads only the small entry and a command loads the engine chunk on demand; minified
 * because what loads is parsed on every start; source maps keep stack traces readable with
 * `node --enable-source-maps`. Returns the executable's path.
 */
export async function buildCli(outdir = join(root, "dist/cli")) {
  await build({
    entryPoints: { heimdall: join(root, "lambda/cli/bin.ts") },
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: true,
    legalComments: "none",
    // CommonJS dependencies (picomatch) still require() Node built-ins, which an ESM file lacks otherwise.
    banner: {
      js: '#!/usr/bin/env node\nimport { createRequire as __heimdallCreateRequire } from "node:module";\nconst require = __heimdallCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  const executable = join(outdir, "heimdall.mjs");
  await chmod(executable, 0o755);
  return executable;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
}
