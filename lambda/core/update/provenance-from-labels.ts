import type { ImageProvenance } from "./image-provenance-reader.ts";
import { oneLine } from "./one-line.ts";

/** The OCI annotation keys heimdall reads, as docker/metadata-action writes them into the image config. */
export const PROVENANCE_LABELS = {
  revision: "org.opencontainers.image.revision",
  source: "org.opencontainers.image.source",
  created: "org.opencontainers.image.created",
} as const;

/** Longest label value kept; a commit SHA-256 is 64 characters, a repository URL rarely 200. */
const MAX_LENGTH = 256;

/**
 * Picks the provenance labels out of an image config's `config.Labels` object, bounded: whoever built the
 * image wrote them, and they end up in commit messages, logs and chat. Values that are not strings are
 * ignored; control characters (newlines that could forge commit trailers, ANSI escapes) and Unicode line
 * and bidirectional-override characters become spaces; the value is trimmed and cut to 256 characters;
 * an empty value counts as absent.
 *
 * @example
 * provenanceFromLabels({ "org.opencontainers.image.revision": "9f8e7d6\n", "maintainer": "x" });
 * // { revision: "9f8e7d6" }
 */
export function provenanceFromLabels(labels: unknown): ImageProvenance {
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) return {};
  const record = labels as Record<string, unknown>;
  const provenance: { -readonly [K in keyof ImageProvenance]: ImageProvenance[K] } = {};
  for (const [field, key] of Object.entries(PROVENANCE_LABELS) as [keyof ImageProvenance, string][]) {
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    if (typeof value !== "string") continue;
    const clean = oneLine(value, MAX_LENGTH);
    if (clean !== "") provenance[field] = clean;
  }
  return provenance;
}
