import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { createUpdateEventPublisher } from "../../lambda/aws/create-update-event-publisher.ts";

describe("createUpdateEventPublisher against an EventBridge endpoint that never answers", () => {
  it("gives up after its timeout instead of holding the invocation", async () => {
    const hanging: ServerResponse[] = [];
    const server = createServer((_request, response) => {
      hanging.push(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const client = new EventBridgeClient({
        region: "ap-northeast-2",
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
      });
      const result = await createUpdateEventPublisher({ client, timeoutMs: 200 }).publish([
        { gitopsRepo: "a/b", outcome: "updated", eventId: "e1" },
      ]);
      expect(result).toEqual({ published: 0, failed: 1, reasons: ["PutEvents took longer than 200 ms"] });
      expect(hanging.length).toBeGreaterThan(0);
    } finally {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
