import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ECRClient } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { createEcrImageCatalog } from "../../lambda/aws/create-ecr-image-catalog.ts";
import { createEcrPushClock } from "../../lambda/aws/create-ecr-push-clock.ts";
import { DeadlineExceededError } from "../../lambda/core/update/deadline-exceeded-error.ts";

// No aws-sdk-client-mock here: the real client must send, so that its abort signal is what stops it.
const image = {
  registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
  imageRepository: "snutt-dev/snutt-timetable",
  tag: "46",
};

/** Runs `check` with real ECR clients against a server that accepts every request and never answers. */
async function withSilentEcr(
  check: (clientFor: (region: string) => ECRClient) => Promise<void>,
): Promise<void> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await check(
      (region) =>
        new ECRClient({
          region,
          endpoint: `http://127.0.0.1:${port}`,
          credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        }),
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("ECR adapters and the invocation's deadline", () => {
  it("the push clock gives up at the deadline instead of waiting on an ECR that does not answer", async () => {
    await withSilentEcr(async (clientFor) => {
      const clock = createEcrPushClock({ clientFor });
      const asked = clock.pushedAt(image, { deadline: Date.now() + 300 });
      await expect(asked).rejects.toBeInstanceOf(DeadlineExceededError);
      await expect(clock.pushedAt(image, { deadline: Date.now() - 1 })).rejects.toThrow(
        /deadline has passed/,
      );
    });
  });

  it("the reconcile's catalog gives up at the deadline instead of listing past it", async () => {
    await withSilentEcr(async (clientFor) => {
      const catalog = createEcrImageCatalog({ clientFor });
      const listed = catalog.taggedImages(image, { deadline: Date.now() + 300 });
      await expect(listed).rejects.toBeInstanceOf(DeadlineExceededError);
      await expect(catalog.taggedImages(image, { deadline: Date.now() - 1 })).rejects.toThrow(
        /deadline has passed/,
      );
    });
  });
});
