import { DescribeImagesCommand, type ECRClient } from "@aws-sdk/client-ecr";
import { DeadlineExceededError, type ImagePushClock, type PushedAtAnswer } from "../core/index.ts";
import { createEcrRegistryClients } from "./create-ecr-registry-clients.ts";
import { EcrUnavailableError } from "./ecr-unavailable-error.ts";

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
  const clientFor = createEcrRegistryClients(options?.clientFor);

  return {
    async pushedAt({ registry, imageRepository, tag }, call): Promise<PushedAtAnswer> {
      const ecr = clientFor(registry);
      if (ecr === undefined) return { kind: "unknown", reason: `'${registry}' is not an ECR registry host` };
      const { client, registryId } = ecr;
      const remaining = call?.deadline === undefined ? undefined : call.deadline - now();
      if (remaining !== undefined && remaining <= 0) {
        throw new DeadlineExceededError(
          `asking ECR when ${imageRepository}:${tag} was pushed not tried: the invocation's deadline has passed — the event will be retried`,
        );
      }
      const abortSignal = remaining === undefined ? undefined : AbortSignal.timeout(remaining);
      try {
        const response = await client.send(
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
