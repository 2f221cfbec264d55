import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { createGitHubRuntime } from "../../lambda/runtime/create-github-runtime.ts";
import { createHandler, type DirectInvocationResult } from "../../lambda/runtime/create-handler.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";
import { createGitHubEmulator } from "../support/github-emulator/create-github-emulator.ts";
import { generateAppKeyPair } from "../support/github-emulator/generate-app-key-pair.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";
import type { BenchRow } from "./engine-bench.ts";

const OWNER = "wafflestudio";
const REPO = "gitops";
const INVOCATIONS = 20;
const LAMBDA_TIMEOUT_MS = 60_000;

/**
 * Contention: 20 direct invocations at once (20 containers), each pushing its own image to one branch of the
 * GitHub emulator (50 ms added to every request). Reports whether all landed inside the 60 s Lambda
 * budget, when the last one landed, the most commit rounds one needed and the GitHub requests in all.
 */
export async function runContentionBench(): Promise<BenchRow[]> {
  const keys = generateAppKeyPair();
  const apps = Array.from({ length: INVOCATIONS }, (_, index) => `app-${index}`);
  const emulator = await createGitHubEmulator({
    owner: OWNER,
    repo: REPO,
    files: Object.fromEntries(
      apps.map((app) => [`apps/shop/${app}/deployment.yaml`, deployment(app, `shop/${app}:1`)]),
    ),
    appId: 4242,
    publicKey: keys.publicKey,
    installationId: 777,
    latencyMs: 50,
  });
  try {
    const config = readLambdaEnvironment({
      GITOPS_REPO: `${OWNER}/${REPO}`,
      GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
      GITHUB_API_URL: emulator.url,
      STALE_EVENT_CHECK: "false",
    });
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    const readSecret = async () => ({ appId: "4242", privateKey: keys.privateKeyPkcs1, installationId: 777 });
    const provenance = { provenanceOf: async () => ({ kind: "unknown" as const, reason: "not measured" }) };
    const handlers = apps.map(() => {
      const logger = new Logger({ serviceName: "ecr-heimdall", logLevel: "SILENT" });
      return createHandler({
        resolve: createGitHubRuntime(config, { logger, readSecret, provenance }),
        logger,
        metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
      });
    });
    const start = performance.now();
    const landedAt: number[] = [];
    const results = await Promise.allSettled(
      apps.map(async (app, index) => {
        const result = (await handlers[index]?.(
          pushEvent(`shop/${app}`, "2"),
          context(LAMBDA_TIMEOUT_MS),
        )) as DirectInvocationResult;
        landedAt.push(performance.now() - start);
        return result;
      }),
    );
    const summaries = results.flatMap((settled) =>
      settled.status === "fulfilled" ? settled.value.events : [],
    );
    const landed = summaries.filter((summary) => summary.outcome === "updated").length;
    const rounds = Math.max(...summaries.map((summary) => summary.attempts ?? 0));
    return [
      {
        name: `${INVOCATIONS} concurrent direct invocations on one branch (50 ms/request, 60 s budget each)`,
        value: `${landed} of ${INVOCATIONS} landed, the last after ${(Math.max(...landedAt) / 1000).toFixed(1)} s; at most ${rounds} commit rounds for one; ${emulator.requests.length} GitHub requests in all`,
      },
    ];
  } finally {
    await emulator.close();
  }
}

function context(timeoutMs: number): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "ecr-heimdall",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:ap-northeast-2:405906814034:function:ecr-heimdall",
    memoryLimitInMB: "512",
    awsRequestId: `bench-${started}-${Math.random()}`,
    logGroupName: "/aws/lambda/ecr-heimdall",
    logStreamName: "bench",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
