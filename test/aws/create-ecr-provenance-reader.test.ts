import {
  BatchGetImageCommand,
  ECRClient,
  ECRServiceException,
  GetDownloadUrlForLayerCommand,
} from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEcrProvenanceReader } from "../../lambda/aws/create-ecr-provenance-reader.ts";
import type { ProvenanceAnswer } from "../../lambda/core/update/image-provenance-reader.ts";
import {
  type BlobServer,
  digestOf,
  imageConfig,
  startBlobServer,
  storeImage as storeInEcr,
} from "../support/blob-server.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";

const ecr = mockClient(ECRClient);
let blobs: BlobServer;
beforeAll(async () => {
  blobs = await startBlobServer();
});
afterEach(() => {
  ecr.reset();
  blobs.blobs.clear();
  blobs.requests.length = 0;
});
afterAll(() => blobs.close());

const REPOSITORY = "snutt-dev/snutt-timetable";
const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const LABELS = {
  "org.opencontainers.image.revision": SHA,
  "org.opencontainers.image.source": "https://github.com/wafflestudio/snutt-timetable",
  "org.opencontainers.image.created": "2026-11-20T09:58:12Z",
  "org.opencontainers.image.title": "snutt-timetable",
};
const metadata = { httpStatusCode: 400, requestId: "req-1", attempts: 1, totalRetryDelay: 0 };

const storeImage = (config: Buffer, options?: Parameters<typeof storeInEcr>[3]) =>
  storeInEcr(ecr, blobs, config, options);

function reader(timeoutMs?: number) {
  return createEcrProvenanceReader({ cache: new Map(), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

const ask = (digest: string, read = reader()) =>
  read.provenanceOf({ registry: SEOUL_REGISTRY, imageRepository: REPOSITORY, digest });

const calls = () => ({
  batchGetImage: ecr.commandCalls(BatchGetImageCommand).length,
  getDownloadUrlForLayer: ecr.commandCalls(GetDownloadUrlForLayerCommand).length,
  downloads: blobs.requests.length,
});

describe("createEcrProvenanceReader", () => {
  it("reads the OCI labels from the config blob with one BatchGetImage, one GetDownloadUrlForLayer and one GET", async () => {
    const digest = storeImage(imageConfig(LABELS));
    expect(await ask(digest)).toEqual({
      kind: "known",
      provenance: {
        revision: SHA,
        source: "https://github.com/wafflestudio/snutt-timetable",
        created: "2026-11-20T09:58:12Z",
      },
    });
    expect(calls()).toEqual({ batchGetImage: 1, getDownloadUrlForLayer: 1, downloads: 1 });
    const [batch] = ecr.commandCalls(BatchGetImageCommand);
    expect(batch?.args[0].input).toEqual({
      registryId: "405906814034",
      repositoryName: REPOSITORY,
      imageIds: [{ imageDigest: digest }],
      acceptedMediaTypes: [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
      ],
    });
    expect(await batch?.thisValue.config.region()).toBe("ap-northeast-2");
    expect(ecr.commandCalls(GetDownloadUrlForLayerCommand)[0]?.args[0].input).toMatchObject({
      registryId: "405906814034",
      repositoryName: REPOSITORY,
    });
  });

  it("reads a Docker v2 manifest the same way", async () => {
    const digest = storeImage(imageConfig(LABELS), {
      manifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
      configMediaType: "application/vnd.docker.container.image.v1+json",
    });
    expect(await ask(digest)).toMatchObject({ kind: "known", provenance: { revision: SHA } });
  });

  it("answers known with no labels for an image built without them", async () => {
    expect(await ask(storeImage(imageConfig(undefined)))).toEqual({ kind: "known", provenance: {} });
  });

  it("follows an image index to its first platform manifest, skipping attestations: 3 ECR calls", async () => {
    const platform = storeImage(imageConfig(LABELS));
    const attestation = `sha256:${"0".repeat(64)}`;
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: attestation,
          size: 1,
          platform: { architecture: "unknown", os: "unknown" },
        },
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: platform,
          size: 1,
          platform: { architecture: "arm64", os: "linux" },
        },
      ],
    });
    const indexDigest = digestOf(index);
    ecr.on(BatchGetImageCommand, { imageIds: [{ imageDigest: indexDigest }] }).resolves({
      images: [{ imageManifest: index, imageManifestMediaType: "application/vnd.oci.image.index.v1+json" }],
    });
    expect(await ask(indexDigest)).toMatchObject({ kind: "known", provenance: { revision: SHA } });
    expect(calls()).toEqual({ batchGetImage: 2, getDownloadUrlForLayer: 1, downloads: 1 });
    expect(ecr.commandCalls(BatchGetImageCommand)[1]?.args[0].input.imageIds).toEqual([
      { imageDigest: platform },
    ]);
  });

  it("asks ECR once per digest: a warm container answers again from its cache", async () => {
    const digest = storeImage(imageConfig(LABELS));
    const read = reader();
    const first = await ask(digest, read);
    const again = await ask(digest, read);
    expect(again).toEqual(first);
    expect(calls()).toEqual({ batchGetImage: 1, getDownloadUrlForLayer: 1, downloads: 1 });
  });

  it("explains an AccessDeniedException (a registry in another account) and asks again next time", async () => {
    ecr.on(BatchGetImageCommand).rejects(
      new ECRServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: metadata,
        message: "not authorized to perform: ecr:BatchGetImage",
      }),
    );
    const read = reader();
    const answer = await ask(`sha256:${"ab".repeat(32)}`, read);
    expect(answer).toEqual({
      kind: "unknown",
      reason:
        "ECR denied access (AccessDeniedException): the function role needs ecr:BatchGetImage and " +
        "ecr:GetDownloadUrlForLayer on the repository; a registry in another account must also allow them in its repository policy",
    });
    await ask(`sha256:${"ab".repeat(32)}`, read);
    expect(calls().batchGetImage).toBe(2);
  });

  it.each<[string, () => string, string]>([
    [
      "the image is gone",
      () => {
        ecr.on(BatchGetImageCommand).resolves({
          images: [],
          failures: [{ failureCode: "ImageNotFound", failureReason: "Requested image not found" }],
        });
        return `sha256:${"cd".repeat(32)}`;
      },
      `BatchGetImage answered ImageNotFound (Requested image not found) for sha256:${"cd".repeat(32)}`,
    ],
    [
      "the artifact is a Helm chart",
      () => storeImage(Buffer.from("{}"), { configMediaType: "application/vnd.cncf.helm.config.v1+json" }),
      "the artifact is not a container image (config media type application/vnd.cncf.helm.config.v1+json)",
    ],
    [
      "the blob download is refused",
      () => {
        const digest = storeImage(imageConfig(LABELS));
        blobs.blobs.clear();
        return digest;
      },
      "downloading the config blob answered HTTP 403",
    ],
    [
      "the blob is not what the manifest names",
      () => {
        const digest = storeImage(imageConfig(LABELS));
        for (const key of blobs.blobs.keys()) blobs.blobs.set(key, imageConfig({ evil: "yes" }));
        return digest;
      },
      "the downloaded config blob does not match its digest",
    ],
    [
      "the blob is too large",
      () => {
        const huge = imageConfig({ "org.opencontainers.image.revision": "x".repeat(1024 * 1024) });
        return storeImage(huge);
      },
      "the config blob is larger than 1048576 bytes",
    ],
    [
      "ECR is throttling",
      () => {
        ecr.on(BatchGetImageCommand).rejects(
          new ECRServiceException({
            name: "ThrottlingException",
            $fault: "client",
            $metadata: metadata,
            message: "Rate exceeded",
          }),
        );
        return `sha256:${"ef".repeat(32)}`;
      },
      "ThrottlingException: Rate exceeded",
    ],
  ])("answers unknown when %s", async (_name, arrange, reason) => {
    expect(await ask(arrange())).toEqual({ kind: "unknown", reason });
  });

  it("gives up when the lookup outlasts its budget", async () => {
    const digest = storeImage(imageConfig(LABELS));
    for (const key of blobs.blobs.keys()) blobs.blobs.set(key, "hang");
    expect(await ask(digest, reader(200))).toEqual({
      kind: "unknown",
      reason: "the lookup took longer than 200 ms",
    });
  });

  it("keeps half of what is left before the invocation's deadline for the commit", async () => {
    const digest = storeImage(imageConfig(LABELS));
    for (const key of blobs.blobs.keys()) blobs.blobs.set(key, "hang");
    const read = createEcrProvenanceReader({ cache: new Map(), timeoutMs: 10_000, now: () => 1_000_000 });
    const image = { registry: SEOUL_REGISTRY, imageRepository: REPOSITORY, digest };
    expect(await read.provenanceOf(image, { deadline: 1_000_000 + 400 })).toEqual({
      kind: "unknown",
      reason: "the lookup took longer than 200 ms",
    });
    const before = calls();
    expect(await read.provenanceOf(image, { deadline: 1_000_000 })).toEqual({
      kind: "unknown",
      reason: "the invocation's deadline left no time for it",
    });
    expect(calls()).toEqual(before);
  });

  it("never quotes the presigned URL when the download fails", async () => {
    const digest = storeImage(imageConfig(LABELS));
    const read = createEcrProvenanceReader({
      cache: new Map(),
      fetch: async (url) => {
        throw new TypeError(`Failed to parse URL from ${String(url)}`);
      },
    });
    const answer = (await ask(digest, read)) as Extract<ProvenanceAnswer, { kind: "unknown" }>;
    expect(answer.reason).toBe("downloading the config blob failed (TypeError)");
    expect(answer.reason).not.toContain("secret-signature");
  });

  it("answers unknown for a host that is not ECR, without calling AWS", async () => {
    const answer = await reader().provenanceOf({
      registry: "ghcr.io",
      imageRepository: REPOSITORY,
      digest: `sha256:${"ab".repeat(32)}`,
    });
    expect(answer).toEqual({ kind: "unknown", reason: "'ghcr.io' is not an ECR registry host" });
    expect(calls()).toEqual({ batchGetImage: 0, getDownloadUrlForLayer: 0, downloads: 0 });
  });
});
