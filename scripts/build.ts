import { spawnSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { LAMBDA_BUNDLE_FILE, type LambdaBundleTarget, lambdaBundleOptions } from "./lambda-bundle-options.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The Lambda's entry module. */
export const LAMBDA_ENTRY = join(ROOT, "lambda/handler.ts");

/** How to bundle the Lambda. */
export interface BuildLambdaOptions {
  /** Output directory; `dist/lambda` by default. */
  readonly outdir?: string;
  /** See {@link LambdaBundleTarget.externalSdk}; benchmarks only. Default false. */
  readonly externalSdk?: boolean;
}

/** The bundle written by {@link buildLambda}. */
export interface BuiltLambda {
  /** Absolute path of the ESM bundle (`index.mjs`, exporting `handler`). */
  readonly file: string;
  readonly bytes: number;
  readonly sourcemapBytes: number;
  readonly externalSdk: boolean;
}

/**
 * Bundles `lambda/handler.ts` exactly as the CDK stack deploys it ({@link lambdaBundleOptions}: one
 * minified ESM file `index.mjs` + source map, AWS SDK bundled); the function's handler is `index.handler`.
 * Sizes and cold-import times are measured by `npm run bench` (docs/benchmarks.md), not quoted here.
 *
 * @example
 * const { file, bytes } = await buildLambda({ outdir: "/tmp/out" });
 * const { handler } = await import(pathToFileURL(file).href);
 */
export async function buildLambda(options: BuildLambdaOptions = {}): Promise<BuiltLambda> {
  const outdir = resolve(options.outdir ?? join(ROOT, "dist/lambda"));
  const externalSdk = options.externalSdk ?? false;
  const file = join(outdir, LAMBDA_BUNDLE_FILE);
  await build(lambdaBundleOptions({ entry: LAMBDA_ENTRY, outfile: file, externalSdk }));
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
