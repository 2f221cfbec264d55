import { DescribeImagesCommand, type ECRClient, type ImageDetail } from "@aws-sdk/client-ecr";
import {
  type CatalogAnswer,
  type CatalogImage,
  DeadlineExceededError,
  type ImageCatalog,
} from "../core/index.ts";
import { createEcrRegistryClients } from "./create-ecr-registry-clients.ts";

/** DescribeImages' largest page. */
const PAGE_SIZE = 1000;
/** 50 pages = 50,000 tagged images; a partial listing could miss the newest, so beyond it ECR is not judged. */
const MAX_PAGES = 50;

/**
 * An {@link ImageCatalog} backed by ECR `DescribeImages` (`tagStatus: TAGGED`, 1,000 per page, every page):
 * which tagged images does `registry/repository` hold, with their tags and push times?
 *
 * The registry host names the account (`registryId`, so cross-account registries work) and the region; one
 * client per region serves every call. Throttling and 5xx are retried by the SDK. Whatever still fails —
 * the repository is gone, another account grants no permission, the host is not ECR's, ECR stays unreachable —
 * is `{ kind: "unknown", reason }`: the reconcile leaves those references and warns, and the next scheduled
 * run asks again. Nothing here throws for ECR's sake; a listing still running at `options.deadline` (ms since
 * the epoch) is aborted with {@link DeadlineExceededError}, so the request goes back to the queue in time.
 *
 * @example
 * const catalog = createEcrImageCatalog();
 * await catalog.taggedImages({ registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com", imageRepository: "snutt-dev/api" });
 * // { kind: "images", images: [{ digest: "sha256:…", tags: ["48"], pushedAt: 2026-11-20T10:05:00.000Z }, …] }
 */
export function createEcrImageCatalog(options?: {
  readonly clientFor?: (region: string) => ECRClient;
  /** The clock deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
}): ImageCatalog {
  const now = options?.now ?? Date.now;
  const clientFor = createEcrRegistryClients(options?.clientFor);
  return {
    async taggedImages({ registry, imageRepository }, call): Promise<CatalogAnswer> {
      const ecr = clientFor(registry);
      if (ecr === undefined) return { kind: "unknown", reason: `'${registry}' is not an ECR registry host` };
      const remaining = call?.deadline === undefined ? undefined : call.deadline - now();
      if (remaining !== undefined && remaining <= 0) {
        throw new DeadlineExceededError(
          `listing ${imageRepository} in ECR not tried: the invocation's deadline has passed — the reconcile will be retried`,
        );
      }
      const abortSignal = remaining === undefined ? undefined : AbortSignal.timeout(remaining);
      const images: CatalogImage[] = [];
      let nextToken: string | undefined;
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          const response = await ecr.client.send(
            new DescribeImagesCommand({
              registryId: ecr.registryId,
              repositoryName: imageRepository,
              filter: { tagStatus: "TAGGED" },
              maxResults: PAGE_SIZE,
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
            abortSignal === undefined ? {} : { abortSignal },
          );
          images.push(...(response.imageDetails ?? []).flatMap(toCatalogImage));
          nextToken = response.nextToken;
          if (nextToken === undefined) return { kind: "images", images };
        }
        return { kind: "unknown", reason: `more than ${PAGE_SIZE * MAX_PAGES} tagged images` };
      } catch (error) {
        if (abortSignal?.aborted === true) {
          throw new DeadlineExceededError(
            `listing ${imageRepository} in ECR was cut off by the invocation's deadline — the reconcile will be retried`,
            0,
            { cause: error },
          );
        }
        const name = error instanceof Error ? error.name : "UnknownError";
        return {
          kind: "unknown",
          reason: `DescribeImages failed: ${name} (${WHY[name] ?? "ECR unavailable"})`,
        };
      }
    },
  };
}

const WHY: Record<string, string> = {
  RepositoryNotFoundException: "the ECR repository does not exist",
  AccessDeniedException: "the caller lacks ecr:DescribeImages on the repository",
};

function toCatalogImage(detail: ImageDetail): CatalogImage[] {
  const tags = detail.imageTags ?? [];
  if (detail.imageDigest === undefined || detail.imagePushedAt === undefined || tags.length === 0) return [];
  return [{ digest: detail.imageDigest, tags, pushedAt: detail.imagePushedAt }];
}
