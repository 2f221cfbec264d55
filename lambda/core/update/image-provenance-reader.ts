/**
 * What an image says about where it came from: its OCI config labels `org.opencontainers.image.revision`,
 * `.source` and `.created` (docker/metadata-action sets all three by default). Every field is optional, one
 * line, and bounded in length (see `provenanceFromLabels`), because the image, not heimdall, wrote it.
 *
 * @example
 * const provenance: ImageProvenance = {
 *   revision: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
 *   source: "https://github.com/wafflestudio/snutt-timetable",
 *   created: "2026-11-20T09:58:12Z",
 * };
 */
export interface ImageProvenance {
  readonly revision?: string;
  readonly source?: string;
  readonly created?: string;
}

/**
 * The port that reads an image's provenance labels for the commit message. Adapter: `lambda/aws/`
 * (ECR `BatchGetImage` + the config blob through `GetDownloadUrlForLayer`).
 *
 * Never throws for a lookup that went wrong: provenance is a courtesy, and a deploy must not wait for it.
 * An image without the labels, a registry the function may not read, an ECR error or a timeout all answer
 * `unknown` with the reason, and the update commits without provenance and a `provenance-unavailable` warning.
 */
export interface ImageProvenanceReader {
  /**
   * The labels of the image `registry/imageRepository@digest`. Answers `unknown` rather than wait past
   * `options.deadline` (ms since the epoch); the adapter keeps part of the time left for the commit.
   */
  provenanceOf(
    image: {
      readonly registry: string;
      readonly imageRepository: string;
      readonly digest: string;
    },
    options?: { readonly deadline?: number },
  ): Promise<ProvenanceAnswer>;
}

/** `known` with the labels found (possibly only some of them), or `unknown` with why none could be read. */
export type ProvenanceAnswer =
  | { readonly kind: "known"; readonly provenance: ImageProvenance }
  | { readonly kind: "unknown"; readonly reason: string };
