import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  UPDATE_EVENT_DETAIL_TYPE,
  UPDATE_EVENT_SOURCE,
  type UpdateEventDetail,
} from "../runtime/update-event.ts";
import type { PublishResult, UpdateEventPublisher } from "../runtime/update-event-publisher.ts";

/** PutEvents takes at most 10 entries per request. */
const ENTRIES_PER_CALL = 10;
/** A notification is worth a few seconds of a 60 s invocation, not more. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 3000;

/**
 * An {@link UpdateEventPublisher} on EventBridge: one `Heimdall Update` event (source `ecr-heimdall`) per detail,
 * on the account's default bus, sent in `PutEvents` calls of up to 10 entries, in parallel, within
 * `timeoutMs`. The client is built on the first publish and reused while warm; it honours
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`.
 *
 * Never throws: entries EventBridge refuses (`FailedEntryCount`) and calls that fail (no permission,
 * throttling after the SDK's retries, the timeout) are counted as `failed` with their reasons.
 *
 * @example
 * const publisher = createUpdateEventPublisher();
 * await publisher.publish([toUpdateEventDetail(summary, "wafflestudio/snutt-gitops")]);
 * // { published: 1, failed: 0, reasons: [] }
 */
export function createUpdateEventPublisher(
  options: { readonly client?: EventBridgeClient; readonly timeoutMs?: number } = {},
): UpdateEventPublisher {
  // Built on first use, then reused: importing the handler must not construct SDK clients.
  let client = options.client;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  return {
    async publish(details): Promise<PublishResult> {
      const chunks: UpdateEventDetail[][] = [];
      for (let i = 0; i < details.length; i += ENTRIES_PER_CALL) {
        chunks.push(details.slice(i, i + ENTRIES_PER_CALL));
      }
      if (chunks.length === 0) return { published: 0, failed: 0, reasons: [] };
      client ??= new EventBridgeClient({});
      const sender = client;
      const signal = AbortSignal.timeout(timeoutMs);
      const results = await Promise.all(chunks.map((chunk) => putChunk(sender, chunk, signal, timeoutMs)));
      return {
        published: results.reduce((sum, result) => sum + result.published, 0),
        failed: results.reduce((sum, result) => sum + result.failed, 0),
        reasons: [...new Set(results.flatMap((result) => result.reasons))],
      };
    },
  };
}

async function putChunk(
  client: EventBridgeClient,
  chunk: readonly UpdateEventDetail[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<PublishResult> {
  try {
    const response = await client.send(
      new PutEventsCommand({
        Entries: chunk.map((detail) => ({
          Source: UPDATE_EVENT_SOURCE,
          DetailType: UPDATE_EVENT_DETAIL_TYPE,
          Detail: JSON.stringify(detail),
        })),
      }),
      { abortSignal: signal },
    );
    const refused = (response.Entries ?? []).filter((entry) => entry.ErrorCode !== undefined);
    const failed = response.FailedEntryCount ?? refused.length;
    return {
      published: chunk.length - failed,
      failed,
      reasons: refused.map(
        (entry) => `${entry.ErrorCode}: ${entry.ErrorMessage ?? "refused by EventBridge"}`,
      ),
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : "UnknownError";
    const reason =
      name === "TimeoutError" || name === "AbortError"
        ? `PutEvents took longer than ${timeoutMs} ms`
        : `${name}: ${error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 300) : String(error)}`;
    return { published: 0, failed: chunk.length, reasons: [reason] };
  }
}
