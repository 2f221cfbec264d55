import { spawnSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** How to bundle the Lambda. */
export interface BuildLambdaOptions {
  /** Output directory; `dist/lambda` by default. */
  readonly outdir?: string;
  /**
   * Leave `@aws-sdk/*` to the Lambda runtime's copy instead of bundling it. Smaller file, but the SDK
   * version then changes under the function whenever AWS updates the runtime. Default false.
   */
  readonly externalSdk?: boolean;
  readonly minify?: boolean;
}

/** The bundle written by {@link buildLambda}. */
export interface BuiltLambda {
  /** Absolute path of the ESM bundle (`handler.mjs`, exporting `handler`). */
  readonly file: string;
  readonly bytes: number;
  readonly sourcemapBytes: number;
  readonly externalSdk: boolean;
}

/**
 * Bundles `lambda/handler.ts` into ONE ESM file `handler.mjs` (+ source map) for the Node 22 Lambda
 * runtime; deploy it with handler `handler.handler`.
 *
 * The SDK is bundled by default. Measured with `npm run build -- --measure=21` (Node 20, 2 vCPU, busy host):
 * bundled 1489 KiB, cold import median 80 ms; `--external-sdk` 661 KiB, 275 ms (the SDK's CommonJS files
 * then load one by one from node_modules). `--minify` shrinks the bundled file to 608 KiB without a
 * measurable import gain and costs readable stack traces, so it stays opt-in. Bundling also pins the
 * SDK version the tests ran against instead of whatever the runtime ships.
 *
 * ESM entry points are preferred (`mainFields: module, main`) so unused SDK code is shaken out; a
 * `createRequire` banner gives the CommonJS code that remains a working `require` for Node built-ins,
 * which an ESM bundle otherwise lacks ("Dynamic require of 'buffer' is not supported").
 *
 * @example
 * const { file, bytes } = await buildLambda({ outdir: "/tmp/out" });
 * const { handler } = await import(pathToFileURL(file).href);
 */
export async function buildLambda(options: BuildLambdaOptions = {}): Promise<BuiltLambda> {
  const outdir = resolve(options.outdir ?? join(ROOT, "dist/lambda"));
  const externalSdk = options.externalSdk ?? false;
  const file = join(outdir, "handler.mjs");
  await build({
    entryPoints: [join(ROOT, "lambda/handler.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    sourcemap: true,
    minify: options.minify ?? false,
    legalComments: "none",
    external: externalSdk ? ["@aws-sdk/*"] : [],
    banner: {
      js: 'import { createRequire as __heimdallCreateRequire } from "node:module";\nconst require = __heimdallCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  const [bundle, map] = await Promise.all([stat(file), stat(`${file}.map`)]);
  return { file, bytes: bundle.size, sourcemapBytes: map.size, externalSdk };
}

/** Env that lets the bundle's cold-start config check pass without touching AWS or GitHub. */
const MEASURE_ENV = {
  GITOPS_REPO: "example/gitops",
  GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:heimdall-measure",
  AWS_REGION: "us-east-1",
};

/** Median wall time of importing `file` in a fresh node process, `runs` times. */
export function medianColdImportMs(file: string, runs: number): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH ?? "", ...MEASURE_ENV },
      encoding: "utf8",
    });
    if (child.status !== 0) {
      throw new Error(
        `importing ${file} failed — with --external-sdk the SDK must resolve from the output directory (as /var/runtime/node_modules does on Lambda): build under the project, e.g. --outdir=dist/lambda\n${child.stderr}`,
      );
    }
    times.push(Number(child.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

async function main(argv: readonly string[]): Promise<void> {
  const flag = (name: string) => argv.includes(name);
  const value = (name: string) => argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
  const runs = Number(value("--measure") ?? (flag("--measure") ? 10 : 0));
  const outdir = value("--outdir");
  const built = await buildLambda({
    externalSdk: flag("--external-sdk"),
    minify: flag("--minify"),
    ...(outdir === undefined ? {} : { outdir }),
  });
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(
    `${built.file}: ${kib(built.bytes)} (source map ${kib(built.sourcemapBytes)}), AWS SDK ${built.externalSdk ? "external" : "bundled"}`,
  );
  if (runs > 0) {
    console.log(
      `cold import, median of ${runs} fresh node processes: ${medianColdImportMs(built.file, runs).toFixed(1)} ms`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
