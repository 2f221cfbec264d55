import { describe, expect, it } from "vitest";
import { findManifestImages } from "../../lambda/core/reconcile/find-manifest-images.ts";
import { SEOUL_REGISTRY as ECR } from "../support/constants.ts";
import { IMG, OLD_DIGEST } from "../support/image-edit.ts";

const OTHER = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

describe("findManifestImages", () => {
  it("finds what each of the three matchers would rewrite, with the lines it stands on", () => {
    const files = new Map([
      [
        "apps/a/deploy.yaml",
        `kind: Deployment\nspec:\n  containers:\n    - image: ${IMG}:45\n    - image: ${ECR}/snutt-dev/worker:3 # sidecar\n`,
      ],
      [
        "apps/a/kustomization.yaml",
        `images:\n  - name: ${IMG}\n    newTag: "44"\n    digest: ${OLD_DIGEST}\n`,
      ],
      [
        "apps/a/values.yaml",
        `image:\n  registry: ${ECR}\n  repository: snutt-dev/snutt-timetable\n  tag: v1\n`,
      ],
    ]);
    expect(findManifestImages(files, [ECR])).toEqual([
      {
        file: "apps/a/deploy.yaml",
        registry: ECR,
        imageRepository: "snutt-dev/snutt-timetable",
        references: [
          {
            document: 0,
            path: "spec.containers[0].image",
            value: `${IMG}:45`,
            deployed: { tag: "45", digest: undefined },
          },
        ],
        lines: [4],
      },
      expect.objectContaining({
        file: "apps/a/deploy.yaml",
        imageRepository: "snutt-dev/worker",
        lines: [5],
      }),
      {
        file: "apps/a/kustomization.yaml",
        registry: ECR,
        imageRepository: "snutt-dev/snutt-timetable",
        references: [
          { document: 0, path: "images[0].newTag", value: "44", deployed: { tag: "44", digest: undefined } },
          {
            document: 0,
            path: "images[0].digest",
            value: OLD_DIGEST,
            deployed: { tag: undefined, digest: OLD_DIGEST },
          },
        ],
        lines: [3, 4],
      },
      expect.objectContaining({
        file: "apps/a/values.yaml",
        imageRepository: "snutt-dev/snutt-timetable",
        references: [expect.objectContaining({ path: "image.tag", value: "v1" })],
        lines: [4],
      }),
    ]);
  });

  it("keeps each registry apart and ignores registries not asked for", () => {
    const files = new Map([
      [
        "apps/a/deploy.yaml",
        `a: {image: ${IMG}:45}\nb: {image: ${OTHER}/snutt-dev/snutt-timetable:7}\nc: {image: ghcr.io/snutt-dev/snutt-timetable:1}\n`,
      ],
    ]);
    const found = findManifestImages(files, [ECR, OTHER]);
    expect(found.map((image) => [image.registry, image.references.map((ref) => ref.value)])).toEqual([
      [OTHER, [`${OTHER}/snutt-dev/snutt-timetable:7`]],
      [ECR, [`${IMG}:45`]],
    ]);
  });

  it("passes over files the event path would skip: not YAML, not UTF-8", () => {
    const files = new Map([
      ["apps/a/broken.yaml", `image: ${IMG}:45\n  bad: [indent\n`],
      ["apps/a/latin1.yaml", `# caf\uFFFD\nimage: ${IMG}:45\n`],
    ]);
    expect(findManifestImages(files, [ECR])).toEqual([]);
  });

  it("finds look-alike repositories only as themselves", () => {
    const files = new Map([["apps/a/deploy.yaml", `image: ${IMG}-worker:45\n`]]);
    expect(findManifestImages(files, [ECR]).map((image) => image.imageRepository)).toEqual([
      "snutt-dev/snutt-timetable-worker",
    ]);
  });
});
