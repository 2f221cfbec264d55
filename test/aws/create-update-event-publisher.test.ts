import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createUpdateEventPublisher } from "../../lambda/aws/create-update-event-publisher.ts";
import type { UpdateEventDetail } from "../../lambda/runtime/update-event.ts";

const events = mockClient(EventBridgeClient);
afterEach(() => events.reset());

const detail = (tag: number): UpdateEventDetail => ({
  gitopsRepo: "wafflestudio/snutt-gitops",
  outcome: "updated",
  eventId: `evt-${tag}`,
  imageRepository: "snutt-dev/snutt-timetable",
  tag: String(tag),
});

describe("createUpdateEventPublisher", () => {
  it("sends one Heimdall Update event per detail on the default bus, at most 10 per PutEvents call", async () => {
    events.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, index) => ({ EventId: `e${index}` })),
    }));
    const details = Array.from({ length: 23 }, (_, index) => detail(index));
    const result = await createUpdateEventPublisher().publish(details);

    expect(result).toEqual({ published: 23, failed: 0, reasons: [] });
    const calls = events.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.[0]).toEqual({
      Source: "ecr-heimdall",
      DetailType: "Heimdall Update",
      Detail: JSON.stringify(details[0]),
    });
    const sent = calls.flat().map((entry) => JSON.parse(entry.Detail ?? "{}").tag);
    expect(sent).toEqual(details.map((d) => d.tag));
  });

  it("counts the entries EventBridge refused, with their reasons", async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: "e0" }, { ErrorCode: "InternalFailure", ErrorMessage: "try again" }],
    });
    expect(await createUpdateEventPublisher().publish([detail(1), detail(2)])).toEqual({
      published: 1,
      failed: 1,
      reasons: ["InternalFailure: try again"],
    });
  });

  it("never throws: a denied call fails its entries with the reason", async () => {
    events.on(PutEventsCommand).rejects(
      new EventBridgeServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: {},
        message: "User is not authorized to perform: events:PutEvents",
      }),
    );
    expect(await createUpdateEventPublisher().publish([detail(1)])).toEqual({
      published: 0,
      failed: 1,
      reasons: ["AccessDeniedException: User is not authorized to perform: events:PutEvents"],
    });
  });

  it("makes no call for nothing to publish", async () => {
    expect(await createUpdateEventPublisher().publish([])).toEqual({ published: 0, failed: 0, reasons: [] });
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
