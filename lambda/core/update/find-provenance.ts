import type { EcrPush } from "../event/ecr-push.ts";
import type { ImageProvenance, ImageProvenanceReader, ProvenanceAnswer } from "./image-provenance-reader.ts";
import type { ImageReport } from "./outcomes.ts";
import { PROVENANCE_LABELS } from "./provenance-from-labels.ts";
import type { UpdateWarning } from "./update-warning.ts";

/**
 * Asks the reader for the provenance of every image about to be committed (`updated` ones only: a duplicate
 * or stale event costs no lookup), all at once.
 *
 * The lookups share the invocation's `deadline` (ms since the epoch), which the reader keeps to.
 * Provenance never blocks a deploy: an `unknown` answer, a rejected promise (an adapter bug) or labels that
 * cannot make a source link each become a `provenance-unavailable` warning saying why, and the image is
 * committed with what there is. An image with both a revision and a source gets no warning.
 *
 * @example
 * const { provenance, warnings } = await findProvenance(plan.images, reader);
 * provenance.get(push)?.revision; // "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
 */
export async function findProvenance(
  images: readonly ImageReport[],
  reader: ImageProvenanceReader,
  deadline?: number,
): Promise<{ provenance: Map<EcrPush, ImageProvenance>; warnings: UpdateWarning[] }> {
  const provenance = new Map<EcrPush, ImageProvenance>();
  const updated = images.filter((image) => image.outcome === "updated");
  // In the images' order, not in the order the answers arrive: the same update logs the same lines.
  const reasons = await Promise.all(
    updated.map(async ({ push }): Promise<string | undefined> => {
      const { digest } = push;
      // Labels are read by digest; only a manual push can lack one.
      if (digest === undefined) return "the push names no digest";
      let answer: ProvenanceAnswer;
      try {
        answer = await reader.provenanceOf({ ...push, digest }, deadline === undefined ? {} : { deadline });
      } catch (error) {
        return `the provenance lookup failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (answer.kind === "unknown") return answer.reason;
      provenance.set(push, answer.provenance);
      const missing = (["revision", "source"] as const).filter((key) => answer.provenance[key] === undefined);
      if (missing.length === 0) return undefined;
      return `the image has no ${missing.map((key) => PROVENANCE_LABELS[key]).join(" or ")} label`;
    }),
  );
  const warnings = updated.flatMap(({ push, changes }, index): UpdateWarning[] => {
    const reason = reasons[index];
    if (reason === undefined) return [];
    return [
      {
        code: "provenance-unavailable",
        file: changes[0]?.file ?? "",
        message: `no source link for ${push.imageRepository}:${push.tag} (${reason}); committed without it`,
      },
    ];
  });
  return { provenance, warnings };
}
