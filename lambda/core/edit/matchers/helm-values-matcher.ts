import { parseImageReference } from "../image-reference.ts";
import { bareFieldMatch } from "./bare-field-match.ts";
import type { ImageMatcher } from "./image-matcher.ts";
import { referenceMatch } from "./reference-match.ts";
import { stringScalar } from "./string-scalar.ts";

/**
 * Helm-style values: a `repository:` with a sibling `tag:`, where the repository is either the full bare
 * reference (`reg.example/ns/app`) or the bare repository name with a sibling `registry:`. The `tag` gets
 * the pushed tag; a non-empty sibling `digest` the pushed digest. Under `pinDigest`, any string `digest`
 * gets the pushed digest, and values without one get `tag: <tag>@<digest>`.
 *
 * @example
 * // image: {repository: reg.example/ns/app, tag: "45"}  →  tag: "46"
 */
export const helmValuesMatcher: ImageMatcher = {
  name: "helm",
  match(mapping, query) {
    const repository = stringScalar(mapping.get("repository"));
    if (repository === undefined || !mapping.has("tag") || !query.spellsRepository(repository.node))
      return undefined;
    const ref = parseImageReference(repository.value);
    if (ref === undefined || ref.tag !== undefined || ref.digest !== undefined) return undefined;
    // Split form: `registry:` beside a repository that must not name a registry itself.
    const split = mapping.has("registry");
    if (split && ref.registry !== undefined) return undefined;
    const registry = split ? stringScalar(mapping.get("registry")) : undefined;
    const host = split ? registry?.value : ref.registry;
    if (ref.imageRepository !== query.imageRepository || !query.registryMatches(host)) return undefined;
    const digest = stringScalar(mapping.get("digest"));
    // An empty digest is a chart's way of saying "not pinned": filled only when the target pins digests.
    const writesDigest = digest !== undefined && (digest.value !== "" || query.pinDigest);
    const fields = [bareFieldMatch(mapping, "tag", "tag", query, query.pinDigest && !writesDigest)];
    if (writesDigest) fields.push(bareFieldMatch(mapping, "digest", "digest", query));
    return referenceMatch([repository.node, ...(registry === undefined ? [] : [registry.node])], fields);
  },
};
