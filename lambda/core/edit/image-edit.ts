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
  /** `sha256:` + 64 hex digits; written only where a reference is already pinned by digest. */
  readonly digest: string;
}
