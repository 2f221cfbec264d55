import { describe, expect, it } from "vitest";
import { ecrPushEventPattern } from "../../cdk/ecr-push-event-pattern.ts";

describe("ecrPushEventPattern", () => {
  it("matches successful tagged pushes of every repository without prefixes", () => {
    expect(ecrPushEventPattern()).toEqual({
      source: ["aws.ecr"],
      detailType: ["ECR Image Action"],
      detail: { "action-type": ["PUSH"], result: ["SUCCESS"], "image-tag": [{ exists: true }] },
    });
    expect(ecrPushEventPattern([])).toEqual(ecrPushEventPattern());
  });

  it("narrows repository-name to the given prefixes, in order", () => {
    expect(ecrPushEventPattern(["snutt-dev/", "snutt-prod/"]).detail).toEqual({
      "action-type": ["PUSH"],
      result: ["SUCCESS"],
      "image-tag": [{ exists: true }],
      "repository-name": [{ prefix: "snutt-dev/" }, { prefix: "snutt-prod/" }],
    });
  });
});
