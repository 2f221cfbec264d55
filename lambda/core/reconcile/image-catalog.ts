/**
 * The port through which the reconcile learns what ECR holds: every tagged image of one repository, with
 * its tags and push time. Adapter: `lambda/aws/` (ECR `DescribeImages`, tagged images, paginated).
 */
export interface ImageCatalog {
  /**
   * Every tagged image of `registry/imageRepository`. Gives up (throws `DeadlineExceededError`) rather than
   * wait or retry past `options.deadline`, ms since the epoch.
   */
  taggedImages(
    repository: { readonly registry: string; readonly imageRepository: string },
    options?: { readonly deadline?: number },
  ): Promise<CatalogAnswer>;
}

/** One image in ECR: its digest, the tags it carries now and when it was pushed. */
export interface CatalogImage {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAt: Date;
}

/**
 * `images` (in any order), or `unknown` with why ECR could not say (repository deleted, another account
 * without permission, not an ECR host, ECR unavailable after retries…).
 */
export type CatalogAnswer =
  | { readonly kind: "images"; readonly images: readonly CatalogImage[] }
  | { readonly kind: "unknown"; readonly reason: string };
