/**
 * The port that tells when an image tag was pushed, so an out-of-order (older) event does not
 * overwrite a newer tag. Adapter: `lambda/aws/` (ECR `DescribeImages`).
 */
export interface ImagePushClock {
  pushedAt(image: { registry: string; imageRepository: string; tag: string }): Promise<PushedAtAnswer>;
}

/** `known` with the push time, or `unknown` with why ECR could not say (tag gone, no permission…). */
export type PushedAtAnswer =
  | { readonly kind: "known"; readonly pushedAt: Date }
  | { readonly kind: "unknown"; readonly reason: string };
