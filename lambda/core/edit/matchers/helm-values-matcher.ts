import { parseImageReference } from "../image-reference.ts";
import { bareFieldMatch } from "./bare-field-match.ts";
import type { ImageMatch, ImageMatcher } from "./image-matcher.ts";
import { stringScalar } from "./string-scalar.ts";

/**
 * Helm-style values: a `repository:` with a sibling `tag:`, where the repository is either the full bare
 * reference (`reg.example/ns/app`) or the bare repository name with a sibling `registry:`. The `tag` gets
 * the pushed tag; a non-empty sibling `digest` the pushed digest.
 *
 * @example
 * // image: {repository: reg.example/ns/app, tag: "45"}  →  tag: "46"
 */
export const helmValuesMatcher: ImageMatcher = {
  name: "helm",
  match(mapping, query) {
    const repository = stringScalar(mapping.get("repository"));
    if (repository === undefined || !mapping.has("tag") || !query.spellsRepository(repository.node))
      return [];
    const ref = parseImageReference(repository.value);
    if (ref === undefined || ref.tag !== undefined || ref.digest !== undefined) return [];
    // Split form: `registry:` beside a repository that must not name a registry itself.
    const split = mapping.has("registry");
    if (split && ref.registry !== undefined) return [];
    const registry = split ? stringScalar(mapping.get("registry"))?.value : ref.registry;
    if (ref.imageRepository !== query.imageRepository || !query.registryMatches(registry)) return [];
    const matches: (ImageMatch | undefined)[] = [bareFieldMatch(mapping, "tag", "tag", query)];
    const digest = stringScalar(mapping.get("digest"));
    if (digest !== undefined && digest.value !== "")
      matches.push(bareFieldMatch(mapping, "digest", "digest", query));
    return matches.filter((match) => match !== undefined);
  },
};
