import type { BuildOptions } from "esbuild";

/** What varies between the bundles built from {@link lambdaBundleOptions}. */
export interface LambdaBundleTarget {
  /** The handler module to bundle, e.g. `lambda/handler.ts`. */
  readonly entry: string;
  /** The output file; the deployed one is `index.mjs` (handler `index.handler`). */
  readonly outfile: string;
  /**
   * Leave `@aws-sdk/*` to the Lambda runtime's copy instead of bundling it (benchmarks only: the deployed
   * bundle pins the SDK version the tests ran against). Default false.
   */
  readonly externalSdk?: boolean;
}

/** The file name of the deployed bundle; the function's handler is `index.handler`. */
export const LAMBDA_BUNDLE_FILE = "index.mjs";

/**
 * THE esbuild options of the Lambda bundle: `npm run build`, the CDK asset (`cdk/ecr-heimdall.ts`), the
 * bundle test suite (`test/lambda/handler-bundle.test.ts`) and the benchmarks all build with these, so the
 * bundle the tests run is the bundle that deploys.
 *
 * - One ESM file for Node 22+ (the stack runs Node 24; the syntax level stays at the oldest supported).
 * - Minified, with an external source map: the function sets `NODE_OPTIONS=--enable-source-maps`, so stack
 *   traces still point at `lambda/*.ts` lines. Minifying shrinks the bundle well under 1 MiB and parses faster.
 * - The AWS SDK is bundled: a bundled SDK imports faster than the runtime's CommonJS copy (one parsed file
 *   instead of many) and pins the version the tests ran against.
 * - ESM entry points first (`mainFields: module, main`) so unused SDK code is shaken out; a `createRequire`
 *   banner gives the CommonJS code that remains a working `require` for Node built-ins, which an ESM bundle
 *   otherwise lacks ("Dynamic require of 'buffer' is not supported").
 *
 * @example
 * await esbuild.build(lambdaBundleOptions({ entry: "lambda/handler.ts", outfile: "dist/lambda/index.mjs" }));
 */
export function lambdaBundleOptions(target: LambdaBundleTarget): BuildOptions {
  return {
    entryPoints: [target.entry],
    outfile: target.outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: true,
    legalComments: "none",
    external: target.externalSdk === true ? ["@aws-sdk/*"] : [],
    banner: {
      js: 'import { createRequire as __heimdallCreateRequire } from "node:module";\nconst require = __heimdallCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  };
}
