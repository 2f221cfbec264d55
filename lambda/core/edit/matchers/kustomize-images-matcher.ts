import { parseImageReference } from "../image-reference.ts";
import { bareFieldMatch } from "./bare-field-match.ts";
import type { ImageMatcher } from "./image-matcher.ts";
import { referenceMatch } from "./reference-match.ts";
import { stringScalar } from "./string-scalar.ts";

/**
 * A kustomize `images:` entry whose deployed image — `newName` when set, else `name` — is the bare
 * reference (no tag, no digest) of the pushed image: its `newTag` gets the pushed tag, and its `digest`,
 * when the entry has one, the pushed digest. Under `pinDigest`, an entry without `digest:` gets
 * `newTag: <tag>@<digest>`.
 *
 * @example
 * // images: [{name: reg.example/ns/app, newTag: "45"}]  →  newTag: "46"
 */
export const kustomizeImagesMatcher: ImageMatcher = {
  name: "kustomize",
  match(mapping, query) {
    if (mapping.parentKey !== "images[]") return undefined;
    const name = stringScalar(mapping.get(mapping.has("newName") ? "newName" : "name"));
    if (name === undefined || !query.spellsRepository(name.node)) return undefined;
    const ref = parseImageReference(name.value);
    if (ref === undefined || ref.tag !== undefined || ref.digest !== undefined) return undefined;
    if (ref.imageRepository !== query.imageRepository || !query.registryMatches(ref.registry))
      return undefined;
    const hasDigest = stringScalar(mapping.get("digest")) !== undefined;
    const fields = [bareFieldMatch(mapping, "newTag", "tag", query, query.pinDigest && !hasDigest)];
    if (hasDigest) fields.push(bareFieldMatch(mapping, "digest", "digest", query));
    return referenceMatch([name.node], fields);
  },
};
