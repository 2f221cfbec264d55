import { buildBlobQuery } from "./build-blob-query.ts";
import type { GraphQLRequest } from "./build-read-query.ts";
import type { CollectedFiles } from "./collect-commit-files.ts";
import { type BlobBatchLimits, planBlobBatches } from "./plan-blob-batches.ts";
import { type BlobAnswer, readBlobBatches } from "./read-blob-batches.ts";

/**
 * Fills in the texts of the blobs a tree-first read listed without them (`collected.unread`): GraphQL batches
 * bounded by `limits` (see `planBlobBatches`), `concurrency` at a time, by blob oid — so every text is the
 * one of the commit the tree was read at, even if the branch moved meanwhile. Binary blobs are left out, as
 * the one-query read leaves them out; blobs too large for GraphQL's text (or cut after all) are moved to
 * `collected.truncated`, for the REST blob endpoint.
 *
 * @example
 * await readUnreadBlobs(collected, { owner, repo, run: (request) => graphql(request), limits, concurrency: 4 });
 */
export async function readUnreadBlobs(
  collected: CollectedFiles,
  options: {
    readonly owner: string;
    readonly repo: string;
    readonly run: (
      request: GraphQLRequest,
    ) => Promise<{ readonly repository: Record<string, BlobAnswer> | null }>;
    readonly limits: BlobBatchLimits;
    readonly concurrency: number;
  },
): Promise<void> {
  const unread = collected.unread.splice(0);
  if (unread.length === 0) return;
  const { batches, rest } = planBlobBatches(unread, options.limits);
  const { texts, unanswered } = await readBlobBatches(
    batches,
    async (oids) => {
      const answer = await options.run(buildBlobQuery({ owner: options.owner, repo: options.repo, oids }));
      return oids.map((_, index) => answer.repository?.[`b${index}`] ?? null);
    },
    options.concurrency,
  );
  const viaRest = new Set([...rest, ...unanswered]);
  for (const blob of unread) {
    if (viaRest.has(blob.oid)) {
      collected.truncated.push({ path: blob.path, oid: blob.oid, single: false });
      continue;
    }
    const text = texts.get(blob.oid);
    if (typeof text === "string") collected.files.set(blob.path, text);
  }
}
