import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  ECRClient,
  ImageNotFoundException,
} from "@aws-sdk/client-ecr";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import type { UpdateManifestsInput } from "../../lambda/core/update/update-manifests.ts";
import { createGitHubRuntime } from "../../lambda/runtime/create-github-runtime.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";
import { APP_KEYS } from "./app-keys.ts";
import { APP_ID, GITOPS_NAME, GITOPS_OWNER, INSTALLATION_ID, SECRET_ARN } from "./constants.ts";
import { createGitHubEmulator, type GitHubEmulator } from "./github-emulator/create-github-emulator.ts";

/** A line from the middle of the private key: it must never show up in any output. */

/** Secrets Manager and ECR as the sources see them (aws-sdk-client-mock intercepts every client). */
export const secrets = mockClient(SecretsManagerClient);
export const ecr = mockClient(ECRClient);
const emulators: GitHubEmulator[] = [];

/** AWS as it is by default: the App secret exists, ECR knows no tag or image (stale checks and provenance only warn). */
export function resetAws(): void {
  secrets.reset();
  ecr.reset();
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
    ARN: SECRET_ARN,
    SecretString: JSON.stringify({ appId: String(APP_ID), privateKey: APP_KEYS.privateKeyPkcs1 }),
  });
  ecr.on(DescribeImagesCommand).rejects(new ImageNotFoundException({ $metadata: {}, message: "not found" }));
  // Pushed images are unknown too, unless a test stores one (storeImage): commits go without provenance.
  ecr.on(BatchGetImageCommand).resolves({
    images: [],
    failures: [{ failureCode: "ImageNotFound", failureReason: "Requested image not found" }],
  });
}

export async function closeEmulators(): Promise<void> {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
}

/**
 * One Lambda container wired like `lambda/handler.ts` — real config parsing, secret reader, GitHub App
 * Octokit, GitHub adapter and use case — against a fresh GitHub emulator holding `files`. `container()`
 * builds another one against the same emulator (concurrent invocations run in separate containers);
 * `realPauses` keeps the use case's own pauses between commit rounds instead of skipping them.
 */
export async function startGitHubScenario(
  files: Record<string, string>,
  env: Record<string, string> = {},
  update: Pick<UpdateManifestsInput, "maxAttempts"> & { readonly realPauses?: boolean } = {},
) {
  const gh = await createGitHubEmulator({
    owner: GITOPS_OWNER,
    repo: GITOPS_NAME,
    files,
    appId: APP_ID,
    publicKey: APP_KEYS.publicKey,
    installationId: INSTALLATION_ID,
  });
  emulators.push(gh);
  const config = readLambdaEnvironment({
    GITOPS_REPO: `${GITOPS_OWNER}/${GITOPS_NAME}`,
    GITHUB_APP_SECRET_ARN: SECRET_ARN,
    GITHUB_API_URL: gh.url,
    ...env,
  });
  const { realPauses, ...knobs } = update;
  const container = () => {
    const logger = new Logger({ serviceName: "ecr-heimdall" });
    return createHandler({
      resolve: createGitHubRuntime(config, {
        logger,
        // Same policy, shorter waits: 10 ms per backoff unit / per second of retry-after.
        octokit: { retry: { retryAfterBaseValue: 10 }, throttle: { retryAfterBaseValue: 10 } },
      }),
      logger,
      metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
      update: realPauses === true ? knobs : { sleep: async () => {}, ...knobs },
    });
  };
  const handler = container();
  const initialCommits = (await gh.commits()).length;
  return { gh, handler, container, newCommits: async () => (await gh.commits()).length - initialCommits };
}

/** The part of Lambda's `Context` heimdall reads, for an invocation with `timeoutMs` left from now. */
export function lambdaContext(timeoutMs: number, name = "ecr-heimdall"): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:405906814034:function:${name}`,
    memoryLimitInMB: "512",
    awsRequestId: `req-${started}-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "2026/11/20/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
