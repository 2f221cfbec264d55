import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createEcrImageCatalog } from "../../lambda/aws/create-ecr-image-catalog.ts";
import { SEOUL_REGISTRY as SEOUL } from "../support/constants.ts";
import { createEcrHistory, type EcrHistory } from "../support/ecr-history.ts";

const ecrMock = mockClient(ECRClient);
let ecr: EcrHistory;
beforeEach(() => {
  ecr = createEcrHistory();
  ecrMock.reset();
  ecrMock.on(DescribeImagesCommand).callsFake((input) => ecr.describeImages(input));
});
const repository = { registry: SEOUL, imageRepository: "snutt-dev/api" };

describe("createEcrImageCatalog", () => {
  it("lists every tagged image, page after page, in the registry's account and region", async () => {
    for (let n = 0; n < 1500; n++)
      ecr.push("snutt-dev/api", `b${n}`, new Date(Date.UTC(2026, 10, 20, 0, 0, n)).toISOString());
    ecr.push("snutt-dev/api", "b0", "2026-11-21T00:00:00Z"); // the tag moves; its first image is untagged now

    const answer = await createEcrImageCatalog().taggedImages(repository);

    expect(answer.kind === "images" && answer.images.length).toBe(1500);
    expect(
      answer.kind === "images" && answer.images.find((image) => image.tags.includes("b0"))?.pushedAt,
    ).toEqual(new Date("2026-11-21T00:00:00Z"));
    const calls = ecrMock.commandCalls(DescribeImagesCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/api",
        filter: { tagStatus: "TAGGED" },
        maxResults: 1000,
      },
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/api",
        filter: { tagStatus: "TAGGED" },
        maxResults: 1000,
        nextToken: "1000",
      },
    ]);
    expect(await calls[0]?.thisValue.config.region()).toBe("ap-northeast-2");
  });

  it("answers unknown, never throws, for what ECR refuses or cannot say", async () => {
    const catalog = createEcrImageCatalog();
    expect(await catalog.taggedImages(repository)).toEqual({
      kind: "unknown",
      reason: "DescribeImages failed: RepositoryNotFoundException (the ECR repository does not exist)",
    });
    ecr.push("snutt-dev/api", "1", "2026-11-20T00:00:00Z", { account: "111122223333" });
    ecr.deny("111122223333");
    expect(
      await catalog.taggedImages({ ...repository, registry: "111122223333.dkr.ecr.us-east-1.amazonaws.com" }),
    ).toEqual({
      kind: "unknown",
      reason:
        "DescribeImages failed: AccessDeniedException (the caller lacks ecr:DescribeImages on the repository)",
    });
    expect(await catalog.taggedImages({ ...repository, registry: "ghcr.io" })).toEqual({
      kind: "unknown",
      reason: "'ghcr.io' is not an ECR registry host",
    });
    ecrMock
      .on(DescribeImagesCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
    expect(await catalog.taggedImages(repository)).toEqual({
      kind: "unknown",
      reason: "DescribeImages failed: ThrottlingException (ECR unavailable)",
    });
  });
});
