/**
 * The port that tells when an image tag was pushed, so an out-of-order (older) event does not
 * overwrite a newer tag. Adapter: `lambda/aws/` (ECR `DescribeImages`).
 */
export interface ImagePushClock {
  /**
   * When `registry/imageRepository:tag` was pushed. Gives up (throws `DeadlineExceededError`) rather than
   * wait or retry past `options.deadline`, ms since the epoch.
   */
  pushedAt(
    image: { registry: string; imageRepository: string; tag: string },
    options?: { readonly deadline?: number },
  ): Promise<PushedAtAnswer>;
}

/** `known` with the push time, or `unknown` with why ECR could not say (tag gone, no permission…). */
export type PushedAtAnswer =
  | { readonly kind: "known"; readonly pushedAt: Date }
  | { readonly kind: "unknown"; readonly reason: string };
