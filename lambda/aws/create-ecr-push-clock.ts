import { DescribeImagesCommand, type ECRClient } from "@aws-sdk/client-ecr";
import { DeadlineExceededError, type ImagePushClock, type PushedAtAnswer } from "../core/index.ts";
import { createEcrRegistryClients, type EcrRegistryClient } from "./create-ecr-registry-clients.ts";
import { EcrUnavailableError } from "./ecr-unavailable-error.ts";

// Answers ECR gives for good: the push applies with a warning. Anything else (throttling, 5xx, network,
// after the SDK's own retries) is a passing outage: failing the event lets SQS ask again later, where
// applying blindly could let an out-of-order event roll a deployment back.
const FINAL_ANSWERS: Record<string, string> = {
  ImageNotFoundException: "the tag no longer exists in ECR",
  RepositoryNotFoundException: "the ECR repository does not exist",
  AccessDeniedException: "the function role lacks ecr:DescribeImages on the repository",
};

// DescribeImages takes at most 100 image ids per call.
const MAX_IDS_PER_CALL = 100;

interface Waiter {
  readonly tag: string;
  readonly deadline: number | undefined;
  readonly resolve: (answer: PushedAtAnswer) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch {
  readonly ecr: EcrRegistryClient;
  readonly imageRepository: string;
  readonly waiters: Waiter[];
}

/**
 * An {@link ImagePushClock} backed by ECR `DescribeImages`: when was `registry/repository:tag` pushed?
 *
 * The lookups asked in one go (the same tick) for one repository become ONE `DescribeImages` with every tag
 * (up to 100): the stale check asks for the pushed tag and the deployed one together. ECR refuses such a call
 * as a whole when one tag is gone; the tags are then asked one by one.
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
 * // { kind: "known", pushedAt: 2026-11-22T03:00:00.700Z }
 */
export function createEcrPushClock(options?: {
  readonly clientFor?: (region: string) => ECRClient;
  /** The clock deadlines are measured on; `Date.now` by default. */
  readonly now?: () => number;
}): ImagePushClock {
  const now = options?.now ?? Date.now;
  const clientFor = createEcrRegistryClients(options?.clientFor);
  const pending = new Map<string, Batch>();

  async function send(batch: Batch): Promise<void> {
    const { imageRepository } = batch;
    const tags = [...new Set(batch.waiters.map((waiter) => waiter.tag))];
    const deadlines = batch.waiters.flatMap((waiter) =>
      waiter.deadline === undefined ? [] : [waiter.deadline],
    );
    const deadline = deadlines.length === 0 ? undefined : Math.min(...deadlines);
    const what = `${imageRepository}:${tags.join(", ")}`;
    const answer = (tag: string, value: PushedAtAnswer) => {
      for (const waiter of batch.waiters) if (waiter.tag === tag) waiter.resolve(value);
    };
    const remaining = deadline === undefined ? undefined : deadline - now();
    const abortSignal = remaining === undefined ? undefined : AbortSignal.timeout(Math.max(1, remaining));
    try {
      if (remaining !== undefined && remaining <= 0) {
        throw new DeadlineExceededError(
          `asking ECR when ${what} was pushed not tried: the invocation's deadline has passed — the event will be retried`,
        );
      }
      const response = await batch.ecr.client.send(
        new DescribeImagesCommand({
          registryId: batch.ecr.registryId,
          repositoryName: imageRepository,
          imageIds: tags.map((imageTag) => ({ imageTag })),
        }),
        abortSignal === undefined ? {} : { abortSignal },
      );
      for (const tag of tags) {
        const pushedAt = response.imageDetails?.find((detail) =>
          detail.imageTags?.includes(tag),
        )?.imagePushedAt;
        answer(
          tag,
          pushedAt === undefined
            ? { kind: "unknown", reason: "ECR returned no push time for the tag" }
            : { kind: "known", pushedAt },
        );
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      if (name === "ImageNotFoundException" && tags.length > 1) {
        // One of the tags is gone, and ECR refused the whole call: ask for each on its own.
        for (const tag of tags) {
          void send({ ...batch, waiters: batch.waiters.filter((waiter) => waiter.tag === tag) });
        }
        return;
      }
      const reason = FINAL_ANSWERS[name];
      if (reason !== undefined && abortSignal?.aborted !== true) {
        for (const tag of tags)
          answer(tag, { kind: "unknown", reason: `DescribeImages failed: ${name} (${reason})` });
        return;
      }
      const failure =
        error instanceof DeadlineExceededError
          ? error
          : abortSignal?.aborted === true
            ? new DeadlineExceededError(
                `asking ECR when ${what} was pushed was cut off by the invocation's deadline — the event will be retried`,
                0,
                { cause: error },
              )
            : new EcrUnavailableError(
                `could not ask ECR when ${what} was pushed: ${name} — the event will be retried; if ECR stays unreachable, set STALE_EVENT_CHECK=false`,
                { cause: error },
              );
      for (const waiter of batch.waiters) waiter.reject(failure);
    }
  }

  return {
    pushedAt({ registry, imageRepository, tag }, call): Promise<PushedAtAnswer> {
      const ecr = clientFor(registry);
      if (ecr === undefined) {
        return Promise.resolve({ kind: "unknown", reason: `'${registry}' is not an ECR registry host` });
      }
      return new Promise<PushedAtAnswer>((resolve, reject) => {
        const key = `${registry}/${imageRepository}`;
        let batch = pending.get(key);
        if (batch === undefined || batch.waiters.length >= MAX_IDS_PER_CALL) {
          const created: Batch = { ecr, imageRepository, waiters: [] };
          batch = created;
          pending.set(key, created);
          // Everything asked for this repository before the current tick ends goes out in this one call.
          queueMicrotask(() => {
            if (pending.get(key) === created) pending.delete(key);
            void send(created);
          });
        }
        batch.waiters.push({ tag, deadline: call?.deadline, resolve, reject });
      });
    },
  };
}
