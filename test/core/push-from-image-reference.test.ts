import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../lambda/cli/exit-code-for.ts";
import { InvalidEventError } from "../../lambda/core/event/invalid-event-error.ts";
import { pushFromImageReference } from "../../lambda/core/event/push-from-image-reference.ts";

const at = { eventId: "manual-1", time: new Date("2026-11-20T10:00:00Z") };
const HOST = "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("pushFromImageReference", () => {
  it("builds a manual push without a digest", () => {
    expect(pushFromImageReference(`${HOST}/snutt-dev/snutt-timetable:45`, at)).toEqual({
      manual: true,
      eventId: "manual-1",
      time: at.time,
      account: "405906814034",
      region: "ap-northeast-2",
      registry: HOST,
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "45",
    });
  });

  it("keeps the digest it names", () => {
    const push = pushFromImageReference(`${HOST}/web:v1.2.0@${DIGEST}`, at);
    expect(push).toMatchObject({ tag: "v1.2.0", digest: DIGEST, imageRepository: "web" });
  });

  it("reads China registries", () => {
    const push = pushFromImageReference("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1", at);
    expect(push).toMatchObject({ account: "111122223333", region: "cn-north-1" });
  });

  it.each([
    ["no registry", "snutt-dev/web:1", /names 'snutt-dev', which is not an ECR registry host/],
    [
      "a registry that is not ECR",
      "ghcr.io/acme/web:1",
      /names 'ghcr\.io', which is not an ECR registry host/,
    ],
    ["no slash at all", "web:1", /names no registry/],
    [
      "a China suffix on another region",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn/web:1",
      /not an ECR registry host/,
    ],
    ["no tag", `${HOST}/web`, /has no tag/],
    ["no tag but a digest", `${HOST}/web@${DIGEST}`, /has no tag/],
    ["an uppercase repository", `${HOST}/Web:1`, /names 'Web', which is not an ECR repository name/],
    ["a tag ECR refuses", `${HOST}/web:-1`, /has tag '-1', which ECR does not allow/],
    ["a short digest", `${HOST}/web:1@sha256:abc`, /digest that is not 'sha256:' \+ 64 hex digits/],
    ["two digests", `${HOST}/web:1@${DIGEST}@${DIGEST}`, /more than one '@'/],
  ])("refuses %s with exit 2 and the form to write", (_name, reference, message) => {
    let error: unknown;
    try {
      pushFromImageReference(reference, at);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(
      "— write <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>[@sha256:<digest>]",
    );
    expect(exitCodeFor(error)).toBe(2);
  });
});
