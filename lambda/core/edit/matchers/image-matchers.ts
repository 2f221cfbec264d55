import { helmValuesMatcher } from "./helm-values-matcher.ts";
import { imageKeyMatcher } from "./image-key-matcher.ts";
import type { ImageMatcher } from "./image-matcher.ts";
import { kustomizeImagesMatcher } from "./kustomize-images-matcher.ts";

/**
 * Every matcher the editor applies, in order: when two would claim the same scalar, the first wins.
 *
 * @example
 * for (const matcher of IMAGE_MATCHERS) matcher.match(mapping, query);
 */
export const IMAGE_MATCHERS: readonly ImageMatcher[] = [
  kustomizeImagesMatcher,
  helmValuesMatcher,
  imageKeyMatcher,
];
