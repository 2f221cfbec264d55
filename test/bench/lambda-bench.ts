import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createGitHubAppOctokit } from "../../lambda/github/create-github-app-octokit.ts";
import { createGitHubRuntime } from "../../lambda/runtime/create-github-runtime.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";
import { buildLambda, medianColdImportMs } from "../../scripts/build.ts";
import { APP_KEYS } from "../support/app-keys.ts";
import { GITOPS_NAME, GITOPS_OWNER, SEOUL_REGISTRY } from "../support/constants.ts";
import { createGitHubEmulator } from "../support/github-emulator/create-github-emulator.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";
import type { BenchRow } from "./engine-bench.ts";
import { median } from "./median.ts";
import { originalToolUpdate } from "./original-tool-update.ts";

const ROOT = join(import.meta.dirname, "../..");

/**
 * Lambda benchmarks: bundle size and cold import of the built bundle, handler latency against the GitHub
 * emulator with 50 ms added to every request, and GitHub requests per update next to the replaced tool's
 * list/GET/PUT approach on the same emulator.
 */
export async function runLambdaBench(options: { runs: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const externalSdk of [false, true]) {
    // Under the project so that an external SDK resolves from node_modules, as it does on Lambda.
    const outdir = join(ROOT, "dist/bench", externalSdk ? "external-sdk" : "bundled-sdk");
    const built = await buildLambda({ outdir, externalSdk });
    const kib = built.bytes / 1024;
    rows.push({
      name: externalSdk
        ? "Lambda bundle with the AWS SDK left to the runtime (for comparison)"
        : "Lambda bundle as deployed (minified, AWS SDK bundled)",
      value:
        `${kib.toFixed(0)} KiB${externalSdk ? "" : ` (${((kib / 1024) * 100).toFixed(0)}% of the 1 MiB goal)`}, ` +
        `cold import ${medianColdImportMs(built.file, options.runs).toFixed(0)} ms (median of ${options.runs} fresh node processes` +
        `${externalSdk ? "" : "; goal ≤ 100 ms idle"})`,
    });
    await rm(outdir, { recursive: true, force: true });
  }
  for (const size of [1, 20]) rows.push(...(await namespaceBench(size, options.runs)));
  return rows;
}

async function namespaceBench(size: number, runs: number): Promise<BenchRow[]> {
  const emulator = await createGitHubEmulator({
    owner: GITOPS_OWNER,
    repo: GITOPS_NAME,
    files: namespace(size),
    appId: 4242,
    publicKey: APP_KEYS.publicKey,
    installationId: 777,
    latencyMs: 50,
  });
  try {
    const handler = heimdallHandler(emulator.url);
    let tag = 100;
    await handler(pushEvent("snutt-dev/app-0", String(tag++))); // cold: secret, token, default branch
    const latencies: number[] = [];
    let requests = 0;
    for (let i = 0; i < runs; i++) {
      // Events a second apart, as pushes arrive: back to back, the adapter's 1 s spacing of commits
      // (GitHub's guidance against secondary rate limits) would add the previous commit's wait.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const before = emulator.requests.length;
      const start = performance.now();
      await handler(pushEvent("snutt-dev/app-0", String(tag++)));
      latencies.push(performance.now() - start);
      requests = emulator.requests.length - before;
    }

    const octokit = createGitHubAppOctokit({
      appId: 4242,
      privateKey: APP_KEYS.privateKeyPkcs1,
      installationId: 777,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      baseUrl: emulator.url,
    });
    await octokit.request("GET /repos/{owner}/{repo}", { owner: GITOPS_OWNER, repo: GITOPS_NAME }); // warm the token
    const before = emulator.requests.length;
    const start = performance.now();
    const original = await originalToolUpdate({
      octokit,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      directory: "apps/snutt-dev",
      image: `${SEOUL_REGISTRY}/snutt-dev/app-0`,
      tag: String(tag++),
    });
    const originalMs = performance.now() - start;
    const originalRequests = emulator.requests.length - before;
    const commits = original.filesChanged;
    return [
      {
        name: `${size}-file namespace, heimdall (warm, 50 ms/request)`,
        value: `${requests} GitHub requests, 1 commit, ${median(latencies).toFixed(0)} ms handler latency (median of ${runs})`,
      },
      {
        name: `${size}-file namespace, replaced tool's approach (same emulator)`,
        value: `${originalRequests} GitHub requests, ${commits} commit${commits === 1 ? "" : "s"}, ${originalMs.toFixed(0)} ms`,
      },
    ];
  } finally {
    await emulator.close();
  }
}

function heimdallHandler(apiUrl: string) {
  const config = readLambdaEnvironment({
    GITOPS_REPO: `${GITOPS_OWNER}/${GITOPS_NAME}`,
    GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
    GITHUB_API_URL: apiUrl,
    STALE_EVENT_CHECK: "false",
  });
  const logger = new Logger({ serviceName: "ecr-heimdall", logLevel: "SILENT" });
  process.env.POWERTOOLS_METRICS_DISABLED = "true"; // EMF lines would drown the report
  const readSecret = async () => ({
    appId: "4242",
    privateKey: APP_KEYS.privateKeyPkcs1,
    installationId: 777,
  });
  // GitHub's share only: ECR provenance has its own bench (provenance-bench.ts), and the default reader
  // would ask real AWS from here.
  const provenance = {
    provenanceOf: async () => ({ kind: "unknown" as const, reason: "not measured here" }),
  };
  return createHandler({
    resolve: createGitHubRuntime(config, { logger, readSecret, provenance }),
    logger,
    metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
  });
}

/** `size` manifests under apps/snutt-dev: app-0 has a Deployment and (from 20 files on) a CronJob using the image. */
function namespace(size: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; Object.keys(files).length < size; i++) {
    const app = `app-${Math.floor(i / 4)}`;
    const kind = ["deployment", "cronjob", "service", "virtualservice"][i % 4] ?? "service";
    const image =
      kind === "service" || kind === "virtualservice" ? `snutt-dev/${app}-sidecar:1` : `snutt-dev/${app}:99`;
    files[`apps/snutt-dev/${app}/${kind}.yaml`] = deployment(`${app}-${kind}`, image);
  }
  files["apps/snutt-prod/app-0/deployment.yaml"] = deployment("app-0", "snutt-prod/app-0:1");
  return files;
}
