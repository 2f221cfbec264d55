import { formatImageReference, parseImageReference } from "../image-reference.ts";
import type { ImageMatcher } from "./image-matcher.ts";
import { stringScalar } from "./string-scalar.ts";

/**
 * The value of any `image` key that is a reference to the pushed image, on a registry that counts:
 * containers, init containers, CronJob templates, CRDs alike. The reference gets the pushed tag; a
 * digest-pinned one (`…:1.4@sha256:…` or `…@sha256:…`), or any under `pinDigest`, gets the pushed digest too.
 *
 * @example
 * // image: reg.example/ns/app:45  →  image: reg.example/ns/app:46
 */
export const imageKeyMatcher: ImageMatcher = {
  name: "image-key",
  match(mapping, query) {
    const image = stringScalar(mapping.get("image"));
    if (image === undefined) return undefined;
    const { node, value } = image;
    const ref = parseImageReference(value);
    if (ref === undefined || ref.imageRepository !== query.imageRepository) return undefined;
    if (!query.registryMatches(ref.registry) || !query.spellsRepository(node)) return undefined;
    const digest = ref.digest === undefined && !query.pinDigest ? undefined : query.digest;
    const field = {
      node,
      key: "image",
      oldValue: value,
      newValue: formatImageReference({ ...ref, tag: query.tag, digest }),
      field: "image",
      from: { tag: ref.tag, digest: ref.digest },
      to: { tag: query.tag, digest },
    } as const;
    return { spelledBy: [node], fields: [field] };
  },
};
