import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { DeadlineExceededError, type ImagePushClock, type PushedAtAnswer } from "../core/index.ts";
import { EcrUnavailableError } from "./ecr-unavailable-error.ts";

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] — the host is the only place the region and
// registry id of a manifest's image are written down.
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

// Answers ECR gives for good: the push applies with a warning. Anything else (throttling, 5xx, network,
// after the SDK's own retries) is a passing outage: failing the event lets SQS ask again later, where
// applying blindly could let an out-of-order event roll a deployment back.
const FINAL_ANSWERS: Record<string, string> = {
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
 * A missing tag or repository, a missing permission or a host that is not ECR is `{ kind: "unknown", reason }`:
 * the caller applies the push with a warning rather than dropping it. Throttling, 5xx and network failures
 * that outlast the SDK's retries throw {@link EcrUnavailableError}, so the event is retried, not applied unchecked.
 * A call still running at `options.deadline` (ms since the epoch) is aborted with {@link DeadlineExceededError}.
 *
 * @example
 * const clock = createEcrPushClock();
 * await clock.pushedAt({ registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com", imageRepository: "snutt-dev/snutt-timetable", tag: "46" });
 * // { kind: "known", pushedAt: 2026-11-22T03:00:00.000Z }
 */
export function createEcrPushClock(options?: {
  readonly clientFor?: (region: string) => ECRClient;
  /** The clock deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
}): ImagePushClock {
  const now = options?.now ?? Date.now;
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
    async pushedAt({ registry, imageRepository, tag }, call): Promise<PushedAtAnswer> {
      const host = ECR_HOST.exec(registry);
      if (host === null) return { kind: "unknown", reason: `'${registry}' is not an ECR registry host` };
      const [, registryId = "", region = ""] = host;
      const remaining = call?.deadline === undefined ? undefined : call.deadline - now();
      if (remaining !== undefined && remaining <= 0) {
        throw new DeadlineExceededError(
          `asking ECR when ${imageRepository}:${tag} was pushed not tried: the invocation's deadline has passed — the event will be retried`,
        );
      }
      const abortSignal = remaining === undefined ? undefined : AbortSignal.timeout(remaining);
      try {
        const response = await clientFor(region).send(
          new DescribeImagesCommand({
            registryId,
            repositoryName: imageRepository,
            imageIds: [{ imageTag: tag }],
          }),
          abortSignal === undefined ? {} : { abortSignal },
        );
        const pushedAt = response.imageDetails?.[0]?.imagePushedAt;
        if (pushedAt === undefined)
          return { kind: "unknown", reason: "ECR returned no push time for the tag" };
        return { kind: "known", pushedAt };
      } catch (error) {
        if (abortSignal?.aborted === true) {
          throw new DeadlineExceededError(
            `asking ECR when ${imageRepository}:${tag} was pushed was cut off by the invocation's deadline — the event will be retried`,
            0,
            { cause: error },
          );
        }
        const name = error instanceof Error ? error.name : "UnknownError";
        const reason = FINAL_ANSWERS[name];
        if (reason !== undefined)
          return { kind: "unknown", reason: `DescribeImages failed: ${name} (${reason})` };
        throw new EcrUnavailableError(
          `could not ask ECR when ${imageRepository}:${tag} was pushed: ${name} — the event will be retried; if ECR stays unreachable, set STALE_EVENT_CHECK=false`,
          { cause: error },
        );
      }
    },
  };
}
