import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import type { ImagePushClock, PushedAtAnswer } from "../core/image-push-clock.ts";

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] — the host is the only place the region and
// registry id of a manifest's image are written down.
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

const REASONS: Record<string, string> = {
  ImageNotFoundException: "the tag no longer exists in ECR",
  RepositoryNotFoundException: "the ECR repository does not exist",
  AccessDeniedException: "the function role lacks ecr:DescribeImages on the repository",
};

/**
 * An {@link ImagePushClock} backed by ECR `DescribeImages`: when was `registry/repository:tag` pushed?
 *
 * The registry host names both the account (`registryId`, so cross-account registries work) and the
 * region; one client per region is created on first use and cached for warm invocations. Clients get no
 * endpoint override, so the SDK's `AWS_ENDPOINT_URL_ECR` keeps working.
 *
 * Never throws: a missing tag, a missing permission, a host that is not ECR or any other failure is
 * `{ kind: "unknown", reason }`, and the caller applies the push with a warning rather than dropping it.
 *
 * @example
 * const clock = createEcrPushClock();
 * await clock.pushedAt({ registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com", repository: "snutt-dev/snutt-timetable", tag: "46" });
 * // { kind: "known", pushedAt: 2026-11-22T03:00:00.000Z }
 */
export function createEcrPushClock(options?: {
  readonly clientFor?: (region: string) => ECRClient;
}): ImagePushClock {
  const clients = new Map<string, ECRClient>();
  const clientFor =
    options?.clientFor ??
    ((region: string) => {
      let client = clients.get(region);
      if (client === undefined) {
        client = new ECRClient({ region });
        clients.set(region, client);
      }
      return client;
    });

  return {
    async pushedAt({ registry, repository, tag }): Promise<PushedAtAnswer> {
      const host = ECR_HOST.exec(registry);
      if (host === null) return { kind: "unknown", reason: `'${registry}' is not an ECR registry host` };
      const [, registryId = "", region = ""] = host;
      try {
        const response = await clientFor(region).send(
          new DescribeImagesCommand({
            registryId,
            repositoryName: repository,
            imageIds: [{ imageTag: tag }],
          }),
        );
        const pushedAt = response.imageDetails?.[0]?.imagePushedAt;
        if (pushedAt === undefined)
          return { kind: "unknown", reason: "ECR returned no push time for the tag" };
        return { kind: "known", pushedAt };
      } catch (error) {
        const name = error instanceof Error ? error.name : "UnknownError";
        return {
          kind: "unknown",
          reason: `DescribeImages failed: ${name} (${REASONS[name] ?? "ECR could not be asked"})`,
        };
      }
    },
  };
}
