import { isScalar } from "yaml";
import type { ImageMatch, MappingView, MatchQuery } from "./image-matcher.ts";

/**
 * The match for a field that holds only a tag or only a digest (kustomize `newTag`/`digest`, Helm
 * `tag`/`digest`) once a matcher has recognised the entry as the pushed image: the field gets the pushed
 * tag or digest. `undefined` when the key has no scalar with source to rewrite (`tag:` with nothing after it).
 *
 * @example
 * bareFieldMatch(mapping, "newTag", "tag", query); // { key: "newTag", oldValue: "45", newValue: "46", … }
 */
export function bareFieldMatch(
  mapping: MappingView,
  key: string,
  field: "tag" | "digest",
  query: MatchQuery,
): ImageMatch | undefined {
  const node = mapping.get(key);
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  if (node.range[0] === node.range[1]) return undefined;
  const oldValue = typeof node.value === "string" ? node.value : query.sourceOf(node);
  const newValue = field === "tag" ? query.tag : query.digest;
  const spelled = (value: string) =>
    field === "tag" ? { tag: value, digest: undefined } : { tag: undefined, digest: value };
  return { node, key, oldValue, newValue, field, from: spelled(oldValue), to: spelled(newValue) };
}
