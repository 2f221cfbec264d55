import { isScalar } from "yaml";
import { parseTagAndDigest } from "../image-reference.ts";
import type { TagAndDigest } from "../manifest-change.ts";
import type { ImageMatch, MappingView, MatchQuery } from "./image-matcher.ts";
import { stringScalar } from "./string-scalar.ts";

/**
 * The match for a field that holds only a tag or only a digest (kustomize `newTag`/`digest`, Helm
 * `tag`/`digest`) once a matcher has recognised the entry as the pushed image: the field gets the pushed
 * tag or digest. A tag field that pins a digest after the tag (`3.14.3@sha256:…`) stays pinned: it gets
 * the pushed tag and the pushed digest — and so does any tag field when `withDigest` is set (the entry has
 * no digest field of its own and the target wants digests pinned). `undefined` when the key has no scalar
 * with source to rewrite (`tag:` with nothing after it).
 *
 * @example
 * bareFieldMatch(mapping, "newTag", "tag", query); // { key: "newTag", oldValue: "45", newValue: "46", … }
 */
export function bareFieldMatch(
  mapping: MappingView,
  key: string,
  field: "tag" | "digest",
  query: MatchQuery,
  withDigest = false,
): ImageMatch | undefined {
  const node = mapping.get(key);
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  if (node.range[0] === node.range[1]) return undefined;
  const oldValue = stringScalar(node)?.value ?? query.sourceOf(node);
  if (field === "digest") {
    const spelled = (digest: string): TagAndDigest => ({ tag: undefined, digest });
    return {
      node,
      key,
      oldValue,
      newValue: query.digest,
      field,
      from: spelled(oldValue),
      to: spelled(query.digest),
    };
  }
  const pinned = parseTagAndDigest(oldValue);
  if (pinned?.digest !== undefined || withDigest) {
    const to = { tag: query.tag, digest: query.digest };
    const from = pinned ?? { tag: oldValue, digest: undefined };
    return { node, key, oldValue, newValue: `${to.tag}@${to.digest}`, field, from, to };
  }
  const to = { tag: query.tag, digest: undefined };
  return { node, key, oldValue, newValue: query.tag, field, from: { tag: oldValue, digest: undefined }, to };
}
