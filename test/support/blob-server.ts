import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BatchGetImageCommand,
  type ECRClientResolvedConfig,
  GetDownloadUrlForLayerCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-ecr";
import type { AwsStub } from "aws-sdk-client-mock";

/** A local stand-in for the S3 presigned URLs ECR hands out for blobs. */
export interface BlobServer {
  readonly url: string;
  /** Path → what to answer; `hang` never answers (for timeouts). */
  readonly blobs: Map<string, Buffer | { readonly status: number } | "hang">;
  /** Paths requested so far, with their query strings. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startBlobServer(): Promise<BlobServer> {
  const blobs = new Map<string, Buffer | { readonly status: number } | "hang">();
  const requests: string[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    requests.push(url);
    const blob = blobs.get(url.split("?")[0] ?? "");
    if (blob === "hang") {
      hanging.push(response);
      return;
    }
    if (blob === undefined || !Buffer.isBuffer(blob)) {
      response.writeHead(blob === undefined ? 403 : blob.status, { "content-type": "application/xml" });
      response.end("<Error><Code>AccessDenied</Code></Error>");
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": blob.length });
    response.end(blob);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blobs,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** `sha256:<hex>` of some bytes, as registries name blobs. */
export function digestOf(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** An image config blob as `docker buildx` writes it, with these labels. */
export function imageConfig(labels: Record<string, string> | undefined): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: "arm64",
      os: "linux",
      config: {
        Env: ["PATH=/usr/bin"],
        Cmd: ["node", "main.js"],
        ...(labels === undefined ? {} : { Labels: labels }),
      },
      rootfs: { type: "layers", diff_ids: [] },
    }),
  );
}

/** An OCI (or Docker v2) image manifest naming `config` as its config blob, with the digests a registry uses. */
export function imageManifest(
  config: Buffer,
  options: { manifestMediaType?: string; configMediaType?: string } = {},
): { manifest: string; mediaType: string; digest: string; configDigest: string } {
  const configDigest = digestOf(config);
  const mediaType = options.manifestMediaType ?? "application/vnd.oci.image.manifest.v1+json";
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: options.configMediaType ?? "application/vnd.oci.image.config.v1+json",
      digest: configDigest,
      size: config.length,
    },
    layers: [],
  });
  return { manifest, mediaType, digest: digestOf(manifest), configDigest };
}

/**
 * Makes the mocked ECR (aws-sdk-client-mock) hold an image whose config blob is `config`: `BatchGetImage` by
 * the manifest's digest answers the manifest, `GetDownloadUrlForLayer` a URL on `blobs` that serves the blob.
 * Returns the manifest digest, which is what an ECR push event names.
 */
export function storeImage(
  ecr: AwsStub<ServiceInputTypes, ServiceOutputTypes, ECRClientResolvedConfig>,
  blobs: BlobServer,
  config: Buffer,
  options: { manifestMediaType?: string; configMediaType?: string } = {},
): string {
  const { manifest, mediaType, digest, configDigest } = imageManifest(config, options);
  blobs.blobs.set(`/blobs/${configDigest}`, config);
  ecr
    .on(BatchGetImageCommand, { imageIds: [{ imageDigest: digest }] })
    .resolves({
      images: [
        { imageId: { imageDigest: digest }, imageManifest: manifest, imageManifestMediaType: mediaType },
      ],
      failures: [],
    })
    .on(GetDownloadUrlForLayerCommand, { layerDigest: configDigest })
    .resolves({
      layerDigest: configDigest,
      downloadUrl: `${blobs.url}/blobs/${configDigest}?X-Amz-Signature=secret-signature`,
    });
  return digest;
}
