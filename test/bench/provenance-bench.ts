import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { ECRClient } from "@aws-sdk/client-ecr";
import { createEcrProvenanceReader } from "../../lambda/aws/create-ecr-provenance-reader.ts";
import { createGitHubRuntime } from "../../lambda/runtime/create-github-runtime.ts";
import { createHandler } from "../../lambda/runtime/create-handler.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";
import { APP_KEYS } from "../support/app-keys.ts";
import { digestOf, imageConfig, imageManifest } from "../support/blob-server.ts";
import { startFakeAwsJsonEndpoint } from "../support/fake-aws-json-endpoint.ts";
import { createGitHubEmulator } from "../support/github-emulator/create-github-emulator.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";
import type { BenchRow } from "./engine-bench.ts";

/**
 * The provenance budget (issue 13: ≤ 3 extra AWS calls per pushed digest, none per duplicate event),
 * counted on the wire: the handler, wired like the Lambda, over the GitHub emulator and the local AWS
 * endpoint, which records every ECR call and every blob download. One warm container handles, in order:
 * a single-platform push, the same event again, a multi-platform (index) push, and the first digest again
 * under a new tag.
 */
export async function runProvenanceBench(): Promise<BenchRow[]> {
  const aws = await startFakeAwsJsonEndpoint();
  const files: Record<string, string> = {};
  for (const app of ["api", "web"]) {
    files[`apps/snutt-dev/${app}/deployment.yaml`] = deployment(app, `snutt-dev/${app}:1`);
  }
  const gh = await createGitHubEmulator({
    owner: "wafflestudio",
    repo: "gitops",
    files,
    appId: 4242,
    publicKey: APP_KEYS.publicKey,
    installationId: 777,
  });
  try {
    const labels = {
      "org.opencontainers.image.revision": "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
      "org.opencontainers.image.source": "https://github.com/wafflestudio/snutt",
    };
    const single = store(aws, imageConfig(labels));
    const platform = store(aws, imageConfig({ ...labels, "org.opencontainers.image.title": "web" }));
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: platform,
          size: 1,
          platform: { os: "linux", architecture: "arm64" },
        },
      ],
    });
    const indexDigest = digestOf(index);
    aws.manifests.set(indexDigest, { manifest: index, mediaType: "application/vnd.oci.image.index.v1+json" });

    process.env.POWERTOOLS_METRICS_DISABLED = "true"; // EMF lines would drown the report
    const handler = createHandler({
      resolve: createGitHubRuntime(
        readLambdaEnvironment({
          GITOPS_REPO: "wafflestudio/gitops",
          GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
          GITHUB_API_URL: gh.url,
          STALE_EVENT_CHECK: "false",
        }),
        {
          logger: new Logger({ serviceName: "ecr-heimdall", logLevel: "SILENT" }),
          readSecret: async () => ({
            appId: "4242",
            privateKey: APP_KEYS.privateKeyPkcs1,
            installationId: 777,
          }),
          provenance: createEcrProvenanceReader({
            cache: new Map(),
            clientFor: (region) =>
              new ECRClient({
                region,
                endpoint: aws.url,
                credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
              }),
          }),
        },
      ),
      logger: new Logger({ serviceName: "ecr-heimdall", logLevel: "SILENT" }),
      metrics: new Metrics({ namespace: "EcrHeimdall", serviceName: "ecr-heimdall" }),
    });

    const rows: BenchRow[] = [];
    const measure = async (name: string, event: Record<string, unknown>) => {
      const before = aws.requests.length;
      const result = (await handler(event)) as { events: { outcome: string }[] };
      const made = aws.requests.slice(before);
      const ecr = made.filter((request) => request.target.startsWith("AmazonEC2ContainerRegistry")).length;
      const downloads = made.filter((request) => request.target === "GET /blobs").length;
      rows.push({
        name: `provenance, ${name}`,
        value: `${ecr} ECR call${ecr === 1 ? "" : "s"} + ${downloads} blob download${downloads === 1 ? "" : "s"} (outcome ${result.events.map((e) => e.outcome).join(", ")})`,
      });
    };
    const first = withDigest(pushEvent("snutt-dev/api", "2"), single);
    await measure("single-platform image, first push", first);
    await measure("the same event delivered again", first);
    await measure("multi-platform image (index)", withDigest(pushEvent("snutt-dev/web", "2"), indexDigest));
    await measure(
      "known digest under a new tag (warm cache)",
      withDigest(pushEvent("snutt-dev/api", "3"), single),
    );
    return rows;
  } finally {
    await gh.close();
    await aws.close();
  }
}

function store(aws: Awaited<ReturnType<typeof startFakeAwsJsonEndpoint>>, config: Buffer): string {
  const image = imageManifest(config);
  aws.manifests.set(image.digest, { manifest: image.manifest, mediaType: image.mediaType });
  aws.blobs.set(image.configDigest, config);
  return image.digest;
}

function withDigest(event: Record<string, unknown>, digest: string): Record<string, unknown> {
  return { ...event, detail: { ...(event.detail as object), "image-digest": digest } };
}
