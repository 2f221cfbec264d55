import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../lambda/core/event/invalid-event-error.ts";
import { parseEcrEvent } from "../../lambda/core/event/parse-ecr-event.ts";
import { ecrEvent } from "../support/ecr-event.ts";

describe("parseEcrEvent", () => {
  it("turns a successful tagged push into an EcrPush with the registry host", () => {
    const parsed = parseEcrEvent(ecrEvent());
    expect(parsed).toEqual({
      kind: "push",
      push: {
        eventId: "7f1c7ac0-5b5e-4c4e-9a3e-0f1d2c3b4a59",
        time: new Date("2026-11-20T10:00:00Z"),
        account: "405906814034",
        region: "ap-northeast-2",
        registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
        imageRepository: "snutt-dev/snutt-timetable",
        tag: "46",
        digest: `sha256:${"ab".repeat(32)}`,
      },
    });
  });

  it.each([
    ["2026-02-30T10:00:00Z", "not a real date and time"],
    ["2026-11-20T24:00:00Z", "not a real date and time"],
    ["9999-11-20T10:00:00Z", "not a real date and time"],
  ])("refuses the impossible time %s instead of rolling it over", (time, reason) => {
    expect(() => parseEcrEvent(ecrEvent({}, { time }))).toThrow(reason);
  });

  it.each([
    [46, "image-tag must be a string (got the number 46)"],
    [{ a: 1 }, "image-tag must be a string (got an object)"],
  ])("says a tag must be a string when it is %j", (tag, message) => {
    expect(() => parseEcrEvent(ecrEvent({ "image-tag": tag }))).toThrow(message);
  });

  it("says what an SQS record is when one is passed instead of the event", () => {
    const record = { messageId: "m1", body: JSON.stringify(ecrEvent()), eventSource: "aws:sqs" };
    expect(() => parseEcrEvent(record)).toThrow("this is an SQS message (or batch), not the event itself");
    expect(() => parseEcrEvent({ Records: [record] })).toThrow("pass the EventBridge event its 'body' holds");
  });

  it("accepts the event as JSON text (an SQS body)", () => {
    expect(parseEcrEvent(JSON.stringify(ecrEvent())).kind).toBe("push");
  });

  it("uses amazonaws.com.cn in China regions", () => {
    const parsed = parseEcrEvent(ecrEvent({}, { region: "cn-north-1" }));
    expect(parsed.kind === "push" && parsed.push.registry).toBe(
      "405906814034.dkr.ecr.cn-north-1.amazonaws.com.cn",
    );
  });

  it.each([
    ["a delete", ecrEvent({ "action-type": "DELETE" }), "action-type 'DELETE' is not a push"],
    ["a failed push", ecrEvent({ result: "FAILURE" }), "result 'FAILURE' is not SUCCESS"],
    ["an untagged push", ecrEvent({ "image-tag": undefined }), "untagged push"],
    ["an empty tag", ecrEvent({ "image-tag": "" }), "untagged push"],
    [
      "another detail-type",
      ecrEvent({}, { "detail-type": "ECR Image Scan" }),
      "detail-type 'ECR Image Scan'",
    ],
    ["another source", ecrEvent({}, { source: "aws.s3" }), "source 'aws.s3'"],
  ])("ignores %s with a stated reason", (_name, event, reason) => {
    const parsed = parseEcrEvent(event);
    expect(parsed.kind).toBe("ignored");
    expect(parsed.kind === "ignored" && parsed.reason).toContain(reason);
    expect(parsed.kind === "ignored" && parsed.eventId).toBe("7f1c7ac0-5b5e-4c4e-9a3e-0f1d2c3b4a59");
  });

  it.each([
    ["unparseable JSON", "{not json", "not valid JSON"],
    ["a JSON array", "[]", "not a JSON object"],
    ["no detail", { ...ecrEvent(), detail: undefined }, "'detail' is not a JSON object"],
    ["no detail-type", { ...ecrEvent(), "detail-type": undefined }, "no 'detail-type'"],
    ["no id", ecrEvent({}, { id: undefined }), "no 'id'"],
    ["no repository", ecrEvent({ "repository-name": undefined }), "no 'repository-name'"],
    [
      "a repository with ..",
      ecrEvent({ "repository-name": "apps/../etc" }),
      "not a valid ECR repository name",
    ],
    ["a leading slash", ecrEvent({ "repository-name": "/snutt-dev/app" }), "not a valid ECR repository name"],
    ["upper case", ecrEvent({ "repository-name": "Snutt/App" }), "not a valid ECR repository name"],
    ["a 257-char name", ecrEvent({ "repository-name": "a".repeat(257) }), "not a valid ECR repository name"],
    ["a tag with a slash", ecrEvent({ "image-tag": "v1/2" }), "image-tag 'v1/2' is not a valid tag"],
    ["a tag starting with a dot", ecrEvent({ "image-tag": ".hidden" }), "is not a valid tag"],
    ["a 129-char tag", ecrEvent({ "image-tag": "a".repeat(129) }), "is not a valid tag"],
    ["a numeric tag", ecrEvent({ "image-tag": 46 }), "image-tag must be a string (got the number 46)"],
    ["a short digest", ecrEvent({ "image-digest": "sha256:abc" }), "not 'sha256:' followed by 64 hex"],
    ["a bad account", ecrEvent({}, { account: "12" }), "12-digit"],
    ["a bad time", ecrEvent({}, { time: "yesterday" }), "not an ISO 8601"],
  ])("refuses %s", (_name, event, message) => {
    expect(() => parseEcrEvent(event)).toThrowError(InvalidEventError);
    expect(() => parseEcrEvent(event)).toThrowError(message);
  });

  it("keeps every refusal to one line, whatever the input holds", () => {
    const broken = '{\n  "id": ,\n  "detail": {}\n}';
    for (const event of [
      broken,
      ecrEvent({ "repository-name": "snutt-dev/\napp" }),
      ecrEvent({}, { time: "2026-11-20\n" }),
    ]) {
      let message = "";
      try {
        parseEcrEvent(event);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^invalid ECR event: |^the event is not valid JSON/);
      expect(message).not.toContain("\n");
    }
  });

  it("reads a JSON file saved with a byte-order mark", () => {
    expect(parseEcrEvent(`\uFEFF${JSON.stringify(ecrEvent())}`).kind).toBe("push");
  });

  it.each(["1", "Nov 20 2026", "2026-11-20", "2026-11-20 10:00:00"])(
    "refuses the non-RFC 3339 time %j",
    (time) => {
      expect(() => parseEcrEvent(ecrEvent({}, { time }))).toThrowError("not an ISO 8601");
    },
  );

  it("accepts RFC 3339 times with fractions and offsets", () => {
    const parsed = parseEcrEvent(ecrEvent({}, { time: "2026-11-20T19:00:00.250+09:00" }));
    expect(parsed.kind === "push" && parsed.push.time.toISOString()).toBe("2026-11-20T10:00:00.250Z");
  });

  it("accepts the longest valid names and tags", () => {
    const repository = `${"a".repeat(100)}/${"b".repeat(155)}`;
    const parsed = parseEcrEvent(
      ecrEvent({ "repository-name": repository, "image-tag": `_${"x".repeat(127)}` }),
    );
    expect(parsed.kind).toBe("push");
  });
});
