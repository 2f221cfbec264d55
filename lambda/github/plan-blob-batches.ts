/** A blob to read by oid: where it goes and how big git says it is. */
export interface UnreadBlob {
  readonly path: string;
  readonly oid: string;
  readonly byteSize: number;
}

/** How {@link planBlobBatches} splits the reads. */
export interface BlobBatchLimits {
  /** Blobs per GraphQL query (aliases, and GitHub's work per query). */
  readonly maxBlobs: number;
  /** Blob bytes per GraphQL query: bounds the answer's size and the time GitHub takes to build it. */
  readonly maxBytes: number;
  /** Larger blobs are not read through GraphQL (it cuts `text` there) but one REST blob request each. */
  readonly maxGraphqlBlobBytes: number;
}

/** GitHub cuts `Blob.text` at 512 KB (`isTruncated`); larger blobs go through the REST blob endpoint. */
export const GRAPHQL_BLOB_TEXT_LIMIT_BYTES = 512 * 1024;

/** Default limits: 200 blobs or 1 MiB per query, whichever comes first. */
export const DEFAULT_BLOB_BATCH_LIMITS: BlobBatchLimits = {
  maxBlobs: 200,
  maxBytes: 1024 * 1024,
  maxGraphqlBlobBytes: GRAPHQL_BLOB_TEXT_LIMIT_BYTES,
};

/**
 * Splits the blobs a tree-first read still has to fetch into GraphQL batches of at most `maxBlobs` blobs and
 * `maxBytes` bytes (a blob alone over `maxBytes` but under `maxGraphqlBlobBytes` gets a batch of its own), plus
 * the blobs too large for GraphQL, for the REST endpoint. Pure. Each oid is read once however many paths
 * share it (identical files), in path order, so the batches are deterministic.
 *
 * @example
 * planBlobBatches(blobs, DEFAULT_BLOB_BATCH_LIMITS);
 * // { batches: [["1f…", "a3…", …], …], rest: ["9c…"] }
 */
export function planBlobBatches(
  blobs: readonly UnreadBlob[],
  limits: BlobBatchLimits,
): { batches: string[][]; rest: string[] } {
  const sizes = new Map<string, number>();
  for (const blob of [...blobs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!sizes.has(blob.oid)) sizes.set(blob.oid, blob.byteSize);
  }
  const batches: string[][] = [];
  const rest: string[] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const [oid, size] of sizes) {
    if (size > limits.maxGraphqlBlobBytes) {
      rest.push(oid);
      continue;
    }
    if (batch.length > 0 && (batch.length >= limits.maxBlobs || bytes + size > limits.maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(oid);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return { batches, rest };
}
