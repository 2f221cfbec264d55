import type { Logger } from "@aws-lambda-powertools/logger";
import type { Memoized } from "../core/index.ts";
import { formatSlackLine } from "./format-slack-line.ts";
import { SlackDeliveryError } from "./slack-delivery-error.ts";
import { UPDATE_EVENT_DETAIL_TYPE, UPDATE_EVENT_SOURCE } from "./update-event.ts";

/** What the Slack notifier needs; all IO injected so tests can run it against a local HTTP server. */
export interface SlackNotifierDependencies {
  /** The incoming-webhook URL, read from Secrets Manager once per container (`forget()` after Slack refuses it). */
  readonly webhookUrl: Memoized<URL>;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** How long one post may take; default 5000 ms (the function's timeout is 15 s). */
  readonly timeoutMs?: number;
}

/** What one invocation did: posted the line, or why not. */
export type SlackNotifierResult =
  | { readonly posted: true }
  | { readonly posted: false; readonly reason: string };

/**
 * Builds the notifier Lambda's handler: a `Heimdall Update` event from EventBridge in, one line in Slack out
 * (see `formatSlackLine`). Events of another source or detail-type and outcomes Slack does not get are
 * answered `posted: false` without a request.
 *
 * Delivery failures throw {@link SlackDeliveryError}: EventBridge invokes the function asynchronously, so
 * Lambda retries twice and then sends the event to the notification dead-letter queue — an undelivered
 * notification waits there, it does not vanish. A 403/404/410 from Slack (a revoked or rotated webhook) also
 * drops the cached URL so the next attempt reads the secret again. The webhook URL is never logged.
 *
 * @example
 * export const handler = createSlackNotifier({ webhookUrl: memoizeUntilSuccess(() => readSlackWebhookUrl({ secretArn })), logger });
 */
export function createSlackNotifier(
  deps: SlackNotifierDependencies,
): (event: unknown) => Promise<SlackNotifierResult> {
  const post = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 5000;
  return async (event) => {
    const envelope = typeof event === "object" && event !== null ? (event as Record<string, unknown>) : {};
    const eventId = typeof envelope.id === "string" ? { eventId: envelope.id } : {};
    if (envelope.source !== UPDATE_EVENT_SOURCE || envelope["detail-type"] !== UPDATE_EVENT_DETAIL_TYPE) {
      deps.logger.warn("not a Heimdall Update event; nothing posted", eventId);
      return { posted: false, reason: "not a Heimdall Update event" };
    }
    const line = formatSlackLine(envelope.detail);
    const detail = envelope.detail as Record<string, unknown> | undefined;
    const outcome = typeof detail?.outcome === "string" ? { outcome: detail.outcome } : {};
    if (line === undefined) {
      deps.logger.info("outcome not posted to Slack", { ...eventId, ...outcome });
      return { posted: false, reason: "outcome not posted to Slack" };
    }

    const url = await deps.webhookUrl();
    let response: Response;
    try {
      response = await post(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ text: line }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // undici's messages can quote the URL; name the cause only.
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
      const name = error instanceof Error ? error.name : "Error";
      const why =
        name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : typeof cause?.code === "string"
            ? cause.code
            : name;
      // No `cause`: the runtime would print it, and with it possibly the URL.
      throw new SlackDeliveryError(
        `could not reach Slack (${why}); Lambda retries, then the notification DLQ keeps it`,
      );
    }
    const answer = (await response.text().catch(() => "")).slice(0, 100).replace(/[^\w .:-]/g, "");
    if (!response.ok) {
      if ([403, 404, 410].includes(response.status)) deps.webhookUrl.forget();
      throw new SlackDeliveryError(
        `Slack answered ${response.status}${answer === "" ? "" : ` (${answer})`} — check the webhook in the secret; Lambda retries, then the notification DLQ keeps it`,
      );
    }
    deps.logger.info("posted to Slack", { ...eventId, ...outcome });
    return { posted: true };
  };
}
