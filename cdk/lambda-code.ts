import { join } from "node:path";
import { AssetHashType, DockerImage } from "aws-cdk-lib";
import { Code } from "aws-cdk-lib/aws-lambda";
import { buildSync } from "esbuild";
import { LAMBDA_BUNDLE_FILE, lambdaBundleOptions } from "../scripts/lambda-bundle-options.ts";

/** The handler setting for code from {@link lambdaCode}: `index.handler`. */
export const LAMBDA_HANDLER = `${LAMBDA_BUNDLE_FILE.replace(/\.mjs$/, "")}.handler`;

/**
 * A function's code: the ONE Lambda bundle definition (`lambdaBundleOptions`, the same `npm run build`
 * and the bundle tests use) applied to `entry`, built locally with this project's esbuild, never in Docker.
 * The heimdall function and the Slack notifier are both built this way. The asset hash is the bundle's
 * own, so an unchanged bundle is not uploaded again.
 *
 * @example
 * new Function(this, "Function", { code: lambdaCode("lambda/handler.ts", repoRoot), handler: LAMBDA_HANDLER, … });
 */
export function lambdaCode(entry: string, projectRoot: string): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: local bundling below either succeeds or throws.
      image: DockerImage.fromRegistry("scratch"),
      local: {
        tryBundle(outputDir) {
          buildSync({
            ...lambdaBundleOptions({ entry, outfile: join(outputDir, LAMBDA_BUNDLE_FILE) }),
            absWorkingDir: projectRoot,
          });
          return true;
        },
      },
    },
  });
}
