import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake endpoint received. */
export interface AwsJsonRequest {
  /** `X-Amz-Target`, e.g. `secretsmanager.GetSecretValue`; `GET /blobs` for a blob download. */
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string;
}

export interface FakeAwsJsonEndpoint {
  readonly url: string;
  /** Received so far; tests may empty it. */
  readonly requests: AwsJsonRequest[];
  /** SecretId → SecretString, or `{ error }` to answer with that AWS error type. */
  readonly secrets: Map<string, string | { readonly error: string; readonly status?: number }>;
  /** `repository:tag` → push time (ECR DescribeImages); absent tags answer ImageNotFoundException. */
  readonly images: Map<string, Date>;
  /**
   * Digest → manifest (ECR BatchGetImage) and digest → blob (GetDownloadUrlForLayer, whose URL this
   * endpoint serves as `GET /blobs/<digest>`, standing in for S3). Absent digests answer ImageNotFound /
   * LayersNotFoundException.
   */
  readonly manifests: Map<string, { readonly manifest: string; readonly mediaType: string }>;
  readonly blobs: Map<string, Buffer>;
  /** Entries received through EventBridge PutEvents, in order. */
  readonly events: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A tiny Secrets Manager + ECR (+ blob download) + EventBridge endpoint on 127.0.0.1 speaking the services' wire protocol (AWS JSON 1.1:
 * POST `/`, operation in `X-Amz-Target`, errors as `{"__type", "message"}`), for code that cannot see
 * aws-sdk-client-mock — the built bundle in a child process, pointed here through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL_ECR` / `AWS_ENDPOINT_URL_EVENTBRIDGE`.
 */
export async function startFakeAwsJsonEndpoint(): Promise<FakeAwsJsonEndpoint> {
  const requests: AwsJsonRequest[] = [];
  const secrets = new Map<string, string | { readonly error: string; readonly status?: number }>();
  const images = new Map<string, Date>();
  const manifests = new Map<string, { readonly manifest: string; readonly mediaType: string }>();
  const blobs = new Map<string, Buffer>();
  const events: Record<string, unknown>[] = [];
  let url = "";

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
    response.end(JSON.stringify(body));
  };
  const fail = (response: ServerResponse, type: string, message: string, status = 400) => {
    response.setHeader("x-amzn-errortype", type);
    answer(response, status, { __type: type, message });
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "GET" && request.url?.startsWith("/blobs/")) {
      requests.push({
        target: "GET /blobs",
        body: {},
        authorization: String(request.headers.authorization ?? ""),
      });
      const blob = blobs.get(decodeURIComponent(request.url.slice("/blobs/".length).split("?")[0] ?? ""));
      response.writeHead(blob === undefined ? 404 : 200);
      response.end(blob);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers["x-amz-target"] ?? "");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    requests.push({ target, body, authorization: String(request.headers.authorization ?? "") });

    if (target === "secretsmanager.GetSecretValue") {
      const secretId = String(body.SecretId);
      const secret = secrets.get(secretId);
      if (secret === undefined)
        return fail(
          response,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.",
        );
      if (typeof secret !== "string")
        return fail(response, secret.error, "refused by the fake endpoint", secret.status);
      return answer(response, 200, {
        ARN: secretId,
        Name: secretId.split(":")[6],
        SecretString: secret,
        VersionId: "v1",
      });
    }
    if (target === "AmazonEC2ContainerRegistry_V20150921.DescribeImages") {
      // Like ECR: one missing tag among the asked ones refuses the whole call.
      const tags = ((body.imageIds as { imageTag?: string }[] | undefined) ?? []).map((id) => id.imageTag);
      const missing = tags.find((tag) => !images.has(`${String(body.repositoryName)}:${tag}`));
      if (missing !== undefined)
        return fail(
          response,
          "ImageNotFoundException",
          `The image with imageId {imageTag:'${missing}'} does not exist`,
        );
      return answer(response, 200, {
        imageDetails: tags.map((tag) => ({
          registryId: body.registryId,
          repositoryName: body.repositoryName,
          imageTags: [tag],
          imageDigest: `sha256:${"ef".repeat(32)}`,
          imagePushedAt: (images.get(`${String(body.repositoryName)}:${tag}`)?.getTime() ?? 0) / 1000,
        })),
      });
    }
    if (target === "AWSEvents.PutEvents") {
      const entries = (body.Entries as Record<string, unknown>[] | undefined) ?? [];
      events.push(...entries);
      return answer(response, 200, {
        FailedEntryCount: 0,
        Entries: entries.map((_, index) => ({
          EventId: `fake-event-${events.length - entries.length + index}`,
        })),
      });
    }
    if (target === "AmazonEC2ContainerRegistry_V20150921.BatchGetImage") {
      const ids = body.imageIds as { imageDigest?: string }[] | undefined;
      const digest = ids?.[0]?.imageDigest ?? "";
      const found = manifests.get(digest);
      if (found === undefined) {
        return answer(response, 200, {
          images: [],
          failures: [
            {
              imageId: { imageDigest: digest },
              failureCode: "ImageNotFound",
              failureReason: "Requested image not found",
            },
          ],
        });
      }
      return answer(response, 200, {
        images: [
          {
            registryId: body.registryId,
            repositoryName: body.repositoryName,
            imageId: { imageDigest: digest },
            imageManifest: found.manifest,
            imageManifestMediaType: found.mediaType,
          },
        ],
        failures: [],
      });
    }
    if (target === "AmazonEC2ContainerRegistry_V20150921.GetDownloadUrlForLayer") {
      const digest = String(body.layerDigest);
      if (!blobs.has(digest))
        return fail(response, "LayersNotFoundException", `The layer with digest ${digest} does not exist`);
      return answer(response, 200, {
        layerDigest: digest,
        downloadUrl: `${url}/blobs/${encodeURIComponent(digest)}?X-Amz-Signature=fake`,
      });
    }
    return fail(response, "UnknownOperationException", `the fake endpoint does not implement ${target}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    secrets,
    images,
    manifests,
    blobs,
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
