import type { Scalar } from "yaml";
import type { ImageMatch, ImageReferenceMatch } from "./image-matcher.ts";

/**
 * The match of an entry whose reference is spelled by `names` (kustomize `name`, Helm `repository`…) and
 * by the fields a matcher found (`undefined` for a field with nothing to rewrite): all of them spell it.
 *
 * @example
 * referenceMatch([name.node], [bareFieldMatch(mapping, "newTag", "tag", query)]);
 */
export function referenceMatch(
  names: readonly Scalar[],
  fields: readonly (ImageMatch | undefined)[],
): ImageReferenceMatch {
  const found = fields.filter((field) => field !== undefined);
  return { spelledBy: [...names, ...found.map((field) => field.node)], fields: found };
}
