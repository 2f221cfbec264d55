import { describe, expect, it } from "vitest";
import { splitLambdaEvent } from "../../lambda/runtime/split-lambda-event.ts";
import { ecrEvent } from "../support/ecr-event.ts";

describe("splitLambdaEvent", () => {
  it("lists the bodies of an SQS batch with their message ids", () => {
    const batch = {
      Records: [
        { messageId: "m1", eventSource: "aws:sqs", body: '{"a":1}' },
        { messageId: "m2", eventSource: "aws:sqs", body: "junk" },
      ],
    };
    expect(splitLambdaEvent(batch)).toEqual({
      source: "sqs",
      records: [
        { messageId: "m1", body: '{"a":1}' },
        { messageId: "m2", body: "junk" },
      ],
    });
  });

  it("treats an EventBridge event as one direct record", () => {
    const event = ecrEvent();
    expect(splitLambdaEvent(event)).toEqual({ source: "direct", records: [{ body: event }] });
  });

  it.each([[null], ["text"], [{ Records: [] }], [{ Records: [{ eventSource: "aws:s3" }] }]])(
    "hands %j to the parser as a direct event instead of failing",
    (event) => {
      expect(splitLambdaEvent(event)).toEqual({ source: "direct", records: [{ body: event }] });
    },
  );

  it("keeps a record without a messageId, which then cannot be reported as a failure", () => {
    expect(splitLambdaEvent({ Records: [{ eventSource: "aws:sqs", body: "{}" }] })).toEqual({
      source: "sqs",
      records: [{ body: "{}" }],
    });
  });
});
