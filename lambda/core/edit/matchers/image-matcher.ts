import type { Node, Scalar } from "yaml";
import type { ChangedField, MatcherName, TagAndDigest } from "../manifest-change.ts";

/**
 * One way manifests spell an image reference (an `image:` key, a kustomize `images:` entry, Helm values…).
 * The tree walk ({@link findImageTargets}) shows a matcher every mapping of a document once per path that
 * reaches it; the matcher says whether the mapping holds a reference to the pushed image, which scalars spell
 * it and which must change. A new way is one new file implementing this, listed in `IMAGE_MATCHERS`.
 *
 * Matchers are pure and only look at the mapping they are given (its values, aliases already followed):
 * the walk owns aliases, merge keys, paths and bounds.
 *
 * @example
 * const imageKeyMatcher: ImageMatcher = { name: "image-key", match: (mapping, query) => undefined };
 */
export interface ImageMatcher {
  readonly name: MatcherName;
  /** The reference to the pushed image this mapping holds, or `undefined` when it holds none. */
  match(mapping: MappingView, query: MatchQuery): ImageReferenceMatch | undefined;
}

/** One reference to the pushed image, found in one mapping. */
export interface ImageReferenceMatch {
  /**
   * Every scalar that spells the reference (an `image` value; a kustomize `name`, `newTag`, `digest`; a Helm
   * `repository`, `registry`, `tag`, `digest`): a `# heimdall:pin` comment on a line of any of them pins it.
   */
  readonly spelledBy: readonly Scalar[];
  /** Its scalars and the values they must get; one that already has its value is left alone by the walk. */
  readonly fields: readonly ImageMatch[];
}

/** A mapping as matchers see it: keys as text, values with aliases followed. */
export interface MappingView {
  /** The key the mapping sits under; `<key>[]` for an item of a sequence under that key (`images[]`). */
  readonly parentKey: string | undefined;
  has(key: string): boolean;
  /** The value under `key`, aliases followed; `undefined` when absent (or a recursive alias). */
  get(key: string): Node | undefined;
}

/** The pushed image, and the tests every matcher applies the same way. */
export interface MatchQuery {
  readonly imageRepository: string;
  readonly tag: string;
  readonly digest: string;
  /** Write the pushed digest into every reference, not only those already pinned by digest. */
  readonly pinDigest: boolean;
  /**
   * Whether the scalar's source text spells the repository literally. Only such scalars may match: that is
   * what makes the editor's "text does not contain the repository" fast path exact.
   */
  spellsRepository(node: Scalar): boolean;
  /** Whether `registry` is one of the registries that count (case-insensitive). */
  registryMatches(registry: string | undefined): boolean;
  /** The scalar's source text (for a non-string value such as `tag: 1.20`, reported as written). */
  sourceOf(node: Scalar): string;
}

/** A scalar that must get a new value. */
export interface ImageMatch {
  readonly node: Scalar;
  /** The key of `node` in the mapping the matcher was shown. */
  readonly key: string;
  /** Decoded old value; for a non-string tag (`tag: 45`) its source text. */
  readonly oldValue: string;
  readonly newValue: string;
  readonly field: ChangedField;
  readonly from: TagAndDigest;
  readonly to: TagAndDigest;
}
