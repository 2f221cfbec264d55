/** One blob as a batch query answers it (`null`: no such object). */
export type BlobAnswer = { readonly text?: string | null; readonly isTruncated?: boolean } | null;

/**
 * Runs `fetchBatch` over `batches` with at most `concurrency` queries in flight, and gathers the answers
 * per oid: the text, `null` for a binary blob, or — for a blob the answer says was cut or missing — nothing,
 * listed in `unanswered` so the caller reads it another way. The first failed batch fails the whole read
 * (the batches still in flight finish first; none starts after it).
 *
 * @example
 * const { texts, unanswered } = await readBlobBatches([["1f…", "a3…"]], (oids) => query(oids), 4);
 */
export async function readBlobBatches(
  batches: readonly (readonly string[])[],
  fetchBatch: (oids: readonly string[]) => Promise<readonly BlobAnswer[]>,
  concurrency: number,
): Promise<{ texts: Map<string, string | null>; unanswered: string[] }> {
  const texts = new Map<string, string | null>();
  const unanswered: string[] = [];
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < batches.length) {
      const oids = batches[next++] ?? [];
      let answers: readonly BlobAnswer[];
      try {
        answers = await fetchBatch(oids);
      } catch (error) {
        failed = true;
        throw error;
      }
      oids.forEach((oid, index) => {
        const answer = answers[index];
        if (answer === null || answer === undefined || answer.isTruncated === true) unanswered.push(oid);
        else texts.set(oid, typeof answer.text === "string" ? answer.text : null);
      });
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((result) => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return { texts, unanswered };
}
