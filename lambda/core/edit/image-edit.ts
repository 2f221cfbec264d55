/**
 * The image a push produced, and where its references may live: what `editImageTags` rewrites and what
 * `findImageTargets` looks for.
 *
 * @example
 * const edit: ImageEdit = {
 *   registries: ["405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"],
 *   imageRepository: "snutt-dev/snutt-timetable",
 *   tag: "46",
 *   digest: "sha256:" + "0".repeat(64),
 * };
 */
export interface ImageEdit {
  /** Registry hosts whose references count (the push's own plus any the config adds). */
  readonly registries: readonly string[];
  /** ECR repository name, e.g. `snutt-dev/snutt-timetable`. */
  readonly imageRepository: string;
  readonly tag: string;
  /** `sha256:` + 64 hex digits; written where a reference is already pinned by digest (or all, under `pinDigest`). */
  readonly digest: string;
  /**
   * Write every reference pinned by digest: `repo:<tag>@<digest>`, a kustomize entry's or Helm values'
   * `digest:` where they have that key (else `<tag>@<digest>` in the tag field). A later push of the same
   * tag then changes the digest, so a mutable tag redeploys; the same digest again changes nothing.
   * Default false: a digest is written only where one is already pinned.
   */
  readonly pinDigest?: boolean;
}
