import { createHash } from "node:crypto";

import { SEOUL_ACCOUNT as HOME_ACCOUNT } from "./constants.ts";

interface StoredImage {
  readonly digest: string;
  readonly tags: Set<string>;
  readonly pushedAt: Date;
}

/** DescribeImages' request, as both the SDK command and the JSON wire protocol carry it. */
export interface DescribeImagesInput {
  readonly registryId?: string;
  readonly repositoryName?: string;
  readonly imageIds?: readonly { readonly imageTag?: string; readonly imageDigest?: string }[];
  readonly filter?: { readonly tagStatus?: string };
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One `imageDetails` entry. */
export interface ImageDetailOut {
  readonly registryId: string;
  readonly repositoryName: string;
  readonly imageDigest: string;
  readonly imageTags: string[];
  readonly imagePushedAt: Date;
}

/**
 * ECR as a push history, for tests: images are pushed with a tag at a time; a tag lives on one image of a
 * repository at a time (pushing it again moves it, as ECR does); an image left without tags is untagged.
 * `describeImages` answers ECR's `DescribeImages` — by `imageIds`, or every image filtered by `tagStatus`,
 * in pages — and throws errors named as ECR's (`RepositoryNotFoundException`, `ImageNotFoundException`,
 * `AccessDeniedException` for a denied account). Fronts: aws-sdk-client-mock (`callsFake`) and the local
 * AWS JSON endpoint.
 */
export interface EcrHistory {
  /** Pushes `repository:tag` at `at` (ISO time); the digest defaults to one derived from the three. */
  push(repository: string, tag: string, at: string, options?: { digest?: string; account?: string }): string;
  /** Every DescribeImages against `account` fails with AccessDeniedException from now on. */
  deny(account: string): void;
  describeImages(input: DescribeImagesInput): { imageDetails: ImageDetailOut[]; nextToken?: string };
  /** DescribeImages calls answered or refused so far. */
  readonly calls: DescribeImagesInput[];
}

export function createEcrHistory(): EcrHistory {
  const repositories = new Map<string, Map<string, StoredImage>>();
  const denied = new Set<string>();
  const calls: DescribeImagesInput[] = [];
  const fail = (name: string, message: string): never => {
    throw Object.assign(new Error(message), { name });
  };

  return {
    calls,
    push(repository, tag, at, options = {}) {
      const key = `${options.account ?? HOME_ACCOUNT}/${repository}`;
      const images = repositories.get(key) ?? new Map<string, StoredImage>();
      repositories.set(key, images);
      const digest =
        options.digest ?? `sha256:${createHash("sha256").update(`${key}:${tag}@${at}`).digest("hex")}`;
      for (const image of images.values()) image.tags.delete(tag);
      const image = images.get(digest) ?? { digest, tags: new Set<string>(), pushedAt: new Date(at) };
      image.tags.add(tag);
      images.set(digest, image);
      return digest;
    },
    deny(account) {
      denied.add(account);
    },
    describeImages(input) {
      calls.push(input);
      const account = input.registryId ?? HOME_ACCOUNT;
      if (denied.has(account)) {
        fail("AccessDeniedException", `User is not authorized to perform: ecr:DescribeImages in ${account}`);
      }
      const images = repositories.get(`${account}/${input.repositoryName ?? ""}`);
      if (images === undefined) {
        fail(
          "RepositoryNotFoundException",
          `The repository with name '${input.repositoryName}' does not exist in the registry with id '${account}'`,
        );
      }
      const detail = (image: StoredImage): ImageDetailOut => ({
        registryId: account,
        repositoryName: input.repositoryName ?? "",
        imageDigest: image.digest,
        imageTags: [...image.tags].sort(),
        imagePushedAt: image.pushedAt,
      });
      const all = [...(images as Map<string, StoredImage>).values()].sort((a, b) =>
        a.digest < b.digest ? -1 : 1,
      );
      if (input.imageIds !== undefined) {
        return {
          imageDetails: input.imageIds.map((id) => {
            const found = all.find((image) =>
              id.imageDigest !== undefined
                ? image.digest === id.imageDigest
                : image.tags.has(id.imageTag ?? ""),
            );
            return found === undefined
              ? fail(
                  "ImageNotFoundException",
                  `The image with imageId {imageTag:'${id.imageTag}'} does not exist`,
                )
              : detail(found);
          }),
        };
      }
      const status = input.filter?.tagStatus ?? "ANY";
      const listed = all.filter((image) =>
        status === "TAGGED" ? image.tags.size > 0 : status === "ANY" || image.tags.size === 0,
      );
      const start = Number(input.nextToken ?? "0");
      const size = input.maxResults ?? 100;
      const page = listed.slice(start, start + size).map(detail);
      return start + size < listed.length
        ? { imageDetails: page, nextToken: String(start + size) }
        : { imageDetails: page };
    },
  };
}
