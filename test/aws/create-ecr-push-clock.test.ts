import {
  DescribeImagesCommand,
  ECRClient,
  ECRServiceException,
  ImageNotFoundException,
} from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createEcrPushClock } from "../../lambda/aws/create-ecr-push-clock.ts";
import { EcrUnavailableError } from "../../lambda/aws/ecr-unavailable-error.ts";

const ecr = mockClient(ECRClient);
afterEach(() => ecr.reset());
const metadata = { httpStatusCode: 400, requestId: "req-1", attempts: 1, totalRetryDelay: 0 };
const image = {
  registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
  imageRepository: "snutt-dev/snutt-timetable",
  tag: "46",
};

describe("createEcrPushClock", () => {
  it("asks DescribeImages in the registry's account and region and returns imagePushedAt", async () => {
    const pushedAt = new Date("2026-11-22T03:00:00Z");
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        {
          registryId: "405906814034",
          repositoryName: image.imageRepository,
          imageTags: ["46"],
          imagePushedAt: pushedAt,
        },
      ],
    });
    expect(await createEcrPushClock().pushedAt(image)).toEqual({ kind: "known", pushedAt });
    const [call] = ecr.commandCalls(DescribeImagesCommand);
    expect(call?.args[0].input).toEqual({
      registryId: "405906814034",
      repositoryName: "snutt-dev/snutt-timetable",
      imageIds: [{ imageTag: "46" }],
    });
    expect(await call?.thisValue.config.region()).toBe("ap-northeast-2");
  });

  it("creates one client per region and reuses it", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imagePushedAt: new Date() }] });
    const clock = createEcrPushClock();
    await clock.pushedAt(image);
    await clock.pushedAt({ ...image, tag: "47" });
    await clock.pushedAt({ ...image, registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com" });
    const clients = ecr.commandCalls(DescribeImagesCommand).map((call) => call.thisValue);
    expect(clients[0]).toBe(clients[1]);
    expect(clients[2]).not.toBe(clients[0]);
    expect(await clients[2]?.config.region()).toBe("us-east-1");
  });

  it("understands China and FIPS registry hosts", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imagePushedAt: new Date(0) }] });
    const clock = createEcrPushClock();
    await clock.pushedAt({ ...image, registry: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn" });
    await clock.pushedAt({ ...image, registry: "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com" });
    const regions = await Promise.all(
      ecr.commandCalls(DescribeImagesCommand).map((call) => call.thisValue.config.region()),
    );
    expect(regions).toEqual(["cn-north-1", "us-gov-west-1"]);
  });

  it("answers unknown for a host that is not ECR, without calling AWS", async () => {
    const answer = await createEcrPushClock().pushedAt({ ...image, registry: "ghcr.io" });
    expect(answer).toEqual({ kind: "unknown", reason: "'ghcr.io' is not an ECR registry host" });
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(0);
  });

  it.each([
    [
      new ImageNotFoundException({ $metadata: metadata, message: "nope" }),
      "ImageNotFoundException (the tag no longer exists in ECR)",
    ],
    [
      new ECRServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: metadata,
        message: "denied",
      }),
      "AccessDeniedException (the function role lacks ecr:DescribeImages on the repository)",
    ],
  ])("answers unknown when DescribeImages fails for good %#", async (rejection, reason) => {
    ecr.on(DescribeImagesCommand).rejects(rejection);
    expect(await createEcrPushClock().pushedAt(image)).toEqual({
      kind: "unknown",
      reason: `DescribeImages failed: ${reason}`,
    });
  });

  it.each([
    new Error("socket hang up"),
    new ECRServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: metadata,
      message: "Rate exceeded",
    }),
  ])("throws a retryable error when ECR is unavailable (%s), never applying unchecked", async (rejection) => {
    ecr.on(DescribeImagesCommand).rejects(rejection);
    const answer = createEcrPushClock().pushedAt(image);
    await expect(answer).rejects.toBeInstanceOf(EcrUnavailableError);
    await expect(answer).rejects.toThrow("could not ask ECR when snutt-dev/snutt-timetable:46 was pushed");
  });

  it("answers unknown when ECR returns no push time", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    expect(await createEcrPushClock().pushedAt(image)).toEqual({
      kind: "unknown",
      reason: "ECR returned no push time for the tag",
    });
  });

  it("asks for the tags of one repository asked together in one DescribeImages call", async () => {
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        { imageTags: ["13", "latest"], imagePushedAt: new Date("2026-11-20T00:10:00.200Z") },
        { imageTags: ["14"], imagePushedAt: new Date("2026-11-20T00:10:00.700Z") },
      ],
    });
    const clock = createEcrPushClock();
    const answers = await Promise.all([
      clock.pushedAt({ ...image, tag: "14" }),
      clock.pushedAt({ ...image, tag: "13" }),
      clock.pushedAt({ ...image, tag: "14" }),
    ]);
    expect(
      answers.map((answer) => (answer.kind === "known" ? answer.pushedAt.toISOString() : answer.kind)),
    ).toEqual(["2026-11-20T00:10:00.700Z", "2026-11-20T00:10:00.200Z", "2026-11-20T00:10:00.700Z"]);
    const calls = ecr.commandCalls(DescribeImagesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.imageIds).toEqual([{ imageTag: "14" }, { imageTag: "13" }]);
  });

  it("asks tag by tag when ECR refuses the joint call because one tag is gone", async () => {
    const gone = new ImageNotFoundException({
      $metadata: metadata,
      message: "The image with imageId {imageTag:'12'} does not exist",
    });
    ecr.on(DescribeImagesCommand).callsFake((input: { imageIds?: { imageTag?: string }[] }) => {
      const tags = (input.imageIds ?? []).map((id) => id.imageTag);
      if (tags.includes("12")) throw gone;
      return { imageDetails: [{ imageTags: ["14"], imagePushedAt: new Date("2026-11-20T00:10:00.700Z") }] };
    });
    const clock = createEcrPushClock();
    const [deployed, pushed] = await Promise.all([
      clock.pushedAt({ ...image, tag: "12" }),
      clock.pushedAt({ ...image, tag: "14" }),
    ]);
    expect(deployed).toEqual({
      kind: "unknown",
      reason: "DescribeImages failed: ImageNotFoundException (the tag no longer exists in ECR)",
    });
    expect(pushed).toEqual({ kind: "known", pushedAt: new Date("2026-11-20T00:10:00.700Z") });
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(3);
  });
});
