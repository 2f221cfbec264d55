import { createHash } from "node:crypto";
import { BatchGetImageCommand, type ECRClient, GetDownloadUrlForLayerCommand } from "@aws-sdk/client-ecr";
import { type ImageProvenanceReader, type ProvenanceAnswer, provenanceFromLabels } from "../core/index.ts";
import { createEcrRegistryClients } from "./create-ecr-registry-clients.ts";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
// Without the index types in the list, ECR answers an index with an error instead of the index.
const ACCEPTED_MEDIA_TYPES = [OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST];
const IMAGE_CONFIGS = new Set([
  "application/vnd.oci.image.config.v1+json",
  "application/vnd.docker.container.image.v1+json",
]);
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A config blob with its build history is a few KiB; anything near this is not an image config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The whole lookup of one image (≤ 3 ECR calls and one download) must fit here; it never delays a deploy more. */
export const DEFAULT_PROVENANCE_TIMEOUT_MS = 4000;
const MAX_CACHED = 500;

// Module scope is the container's scope: a warm container asks ECR about a digest once. Only answers that
// cannot change are kept (a digest names its content for good); a denied or failed lookup is asked again.
const CONTAINER_CACHE = new Map<string, ProvenanceAnswer>();

/** Injectable IO for {@link createEcrProvenanceReader}; production uses the defaults. */
export interface EcrProvenanceReaderOptions {
  readonly clientFor?: (region: string) => ECRClient;
  /** Downloads the config blob from ECR's presigned URL; node's `fetch` by default. */
  readonly fetch?: typeof fetch;
  /** Budget of one image's lookup in ms; default {@link DEFAULT_PROVENANCE_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Answers kept by digest; the container-wide cache by default. */
  readonly cache?: Map<string, ProvenanceAnswer>;
  /** The clock deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * An {@link ImageProvenanceReader} backed by ECR: the image's OCI config labels, read as a registry client
 * would read them.
 *
 * 1. `BatchGetImage` by digest, accepting OCI and Docker manifests and indexes. For an index (a multi-platform
 *    build) the first platform manifest is read with a second `BatchGetImage` — attestation entries
 *    (`unknown/unknown`) are skipped; the platforms of one build share their labels.
 * 2. `GetDownloadUrlForLayer` for the config blob, then one HTTPS GET of the presigned URL: at most 1 MiB,
 *    checked against its digest before it is parsed.
 * So at most 3 ECR calls per image, none for a digest this container already read.
 *
 * Each lookup takes at most `timeoutMs` and at most half of what is left until `options.deadline`, so the commit
 * keeps the other half.
 *
 * Never throws: a host that is not ECR, a missing permission (a registry in another account must allow
 * `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` in its repository policy), an artifact that is not a
 * container image, an ECR or download error, or the timeout all answer `unknown` with the reason.
 *
 * @example
 * const reader = createEcrProvenanceReader();
 * await reader.provenanceOf({ registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
 *   imageRepository: "snutt-dev/snutt-timetable", digest: "sha256:5f1c…" });
 * // { kind: "known", provenance: { revision: "9f8e7d6…", source: "https://github.com/wafflestudio/snutt-timetable" } }
 */
export function createEcrProvenanceReader(options: EcrProvenanceReaderOptions = {}): ImageProvenanceReader {
  const clientFor = createEcrRegistryClients(options.clientFor);
  const download = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVENANCE_TIMEOUT_MS;
  const cache = options.cache ?? CONTAINER_CACHE;
  const now = options.now ?? Date.now;

  return {
    async provenanceOf({ registry, imageRepository, digest }, call): Promise<ProvenanceAnswer> {
      const cached = cache.get(digest);
      if (cached !== undefined) return cached;
      const ecr = clientFor(registry);
      if (ecr === undefined) return { kind: "unknown", reason: `'${registry}' is not an ECR registry host` };
      // At most half of what the invocation has left: the commit that follows needs the rest.
      const left = call?.deadline === undefined ? undefined : Math.floor((call.deadline - now()) / 2);
      const budgetMs = left === undefined ? timeoutMs : Math.min(timeoutMs, left);
      if (budgetMs <= 0) return { kind: "unknown", reason: "the invocation's deadline left no time for it" };
      const image = { ...ecr, repositoryName: imageRepository, signal: AbortSignal.timeout(budgetMs) };
      try {
        const lookup = await readLabels(image, digest, download);
        if (lookup.final) remember(cache, digest, lookup.answer);
        return lookup.answer;
      } catch (error) {
        return { kind: "unknown", reason: explain(error, budgetMs) };
      }
    },
  };
}

interface ImageInRegistry {
  readonly client: ECRClient;
  readonly registryId: string;
  readonly repositoryName: string;
  readonly signal: AbortSignal;
}

/** `final`: the answer follows from the digest's content alone, so it holds for good. */
type Lookup = { readonly answer: ProvenanceAnswer; readonly final: boolean };

async function readLabels(image: ImageInRegistry, digest: string, download: typeof fetch): Promise<Lookup> {
  let manifest = await getManifest(image, digest);
  if (manifest.kind === "unknown") return { answer: manifest, final: false };
  if (manifest.kind === "index") {
    if (manifest.first === undefined) {
      return finalUnknown("the image index lists no platform manifest");
    }
    manifest = await getManifest(image, manifest.first);
    if (manifest.kind === "unknown") return { answer: manifest, final: false };
    if (manifest.kind === "index") return finalUnknown("the image index nests another index");
  }
  if (manifest.kind === "not-an-image") return finalUnknown(manifest.reason);

  const url = await image.client.send(
    new GetDownloadUrlForLayerCommand({
      registryId: image.registryId,
      repositoryName: image.repositoryName,
      layerDigest: manifest.config,
    }),
    { abortSignal: image.signal },
  );
  if (url.downloadUrl === undefined) {
    return {
      answer: { kind: "unknown", reason: "ECR returned no download URL for the config blob" },
      final: false,
    };
  }
  const response = await fetchBlob(download, url.downloadUrl, image.signal);
  if (!response.ok) {
    await response.body?.cancel();
    return {
      answer: { kind: "unknown", reason: `downloading the config blob answered HTTP ${response.status}` },
      final: false,
    };
  }
  const blob = await readCapped(response, MAX_CONFIG_BYTES);
  if (blob === undefined) return finalUnknown(`the config blob is larger than ${MAX_CONFIG_BYTES} bytes`);
  if (`sha256:${createHash("sha256").update(blob).digest("hex")}` !== manifest.config) {
    return {
      answer: { kind: "unknown", reason: "the downloaded config blob does not match its digest" },
      final: false,
    };
  }
  const config = parseJson(blob.toString("utf8"));
  if (!isRecord(config)) return finalUnknown("the config blob is not a JSON object");
  const labels = isRecord(config.config) ? config.config.Labels : undefined;
  return { answer: { kind: "known", provenance: provenanceFromLabels(labels) }, final: true };
}

type Manifest =
  | { readonly kind: "image"; readonly config: string }
  | { readonly kind: "index"; readonly first?: string }
  | { readonly kind: "not-an-image"; readonly reason: string }
  | { readonly kind: "unknown"; readonly reason: string };

async function getManifest(image: ImageInRegistry, digest: string): Promise<Manifest> {
  const response = await image.client.send(
    new BatchGetImageCommand({
      registryId: image.registryId,
      repositoryName: image.repositoryName,
      imageIds: [{ imageDigest: digest }],
      acceptedMediaTypes: ACCEPTED_MEDIA_TYPES,
    }),
    { abortSignal: image.signal },
  );
  const failure = response.failures?.[0];
  const found = response.images?.[0];
  if (found?.imageManifest === undefined) {
    const why =
      failure === undefined
        ? "no manifest"
        : `${failure.failureCode ?? "failure"}${failure.failureReason === undefined ? "" : ` (${failure.failureReason})`}`;
    return { kind: "unknown", reason: `BatchGetImage answered ${why} for ${digest}` };
  }
  const manifest = parseJson(found.imageManifest);
  if (!isRecord(manifest)) return { kind: "not-an-image", reason: "the manifest is not a JSON object" };
  const mediaType = found.imageManifestMediaType ?? manifest.mediaType;
  if (mediaType === OCI_INDEX || mediaType === DOCKER_LIST || Array.isArray(manifest.manifests)) {
    return { kind: "index", ...firstPlatform(manifest.manifests) };
  }
  const config = isRecord(manifest.config) ? manifest.config : {};
  if (typeof config.digest !== "string" || !DIGEST.test(config.digest)) {
    return { kind: "not-an-image", reason: "the manifest names no sha256 config blob" };
  }
  if (typeof config.mediaType === "string" && !IMAGE_CONFIGS.has(config.mediaType)) {
    return {
      kind: "not-an-image",
      reason: `the artifact is not a container image (config media type ${config.mediaType.slice(0, 100)})`,
    };
  }
  return { kind: "image", config: config.digest };
}

/** The first entry of an index that is a platform image; attestations say `unknown/unknown`. */
function firstPlatform(entries: unknown): { first?: string } {
  if (!Array.isArray(entries)) return {};
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.digest !== "string" || !DIGEST.test(entry.digest)) continue;
    const platform = isRecord(entry.platform) ? entry.platform : {};
    if (platform.os === "unknown" && platform.architecture === "unknown") continue;
    if (
      entry.mediaType !== undefined &&
      entry.mediaType !== OCI_MANIFEST &&
      entry.mediaType !== DOCKER_MANIFEST
    )
      continue;
    return { first: entry.digest };
  }
  return {};
}

// The presigned URL carries a signature: no error message may quote it (undici's "Failed to parse URL
// from …" would), so a failed download is described by its cause's code only.
async function fetchBlob(download: typeof fetch, url: string, signal: AbortSignal): Promise<Response> {
  try {
    return await download(url, { signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const cause = error instanceof Error && isRecord(error.cause) ? error.cause.code : undefined;
    const why = typeof cause === "string" ? cause : error instanceof Error ? error.name : "error";
    throw new Error(`downloading the config blob failed (${why})`);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function finalUnknown(reason: string): Lookup {
  return { answer: { kind: "unknown", reason }, final: true };
}

function remember(cache: Map<string, ProvenanceAnswer>, digest: string, answer: ProvenanceAnswer): void {
  if (cache.size >= MAX_CACHED) {
    const [oldest] = cache.keys();
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(digest, answer);
}

function explain(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : "UnknownError";
  if (name === "TimeoutError" || name === "AbortError") return `the lookup took longer than ${timeoutMs} ms`;
  if (name === "AccessDeniedException") {
    return (
      "ECR denied access (AccessDeniedException): the function role needs ecr:BatchGetImage and " +
      "ecr:GetDownloadUrlForLayer on the repository; a registry in another account must also allow them in its repository policy"
    );
  }
  const message = error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 200) : String(error);
  return name === "Error" ? message : `${name}: ${message}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
