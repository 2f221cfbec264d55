/** One event to parse, with the SQS message id that reports it back as a batch item failure. */
export interface IncomingRecord {
  /** SQS `messageId`; absent for a direct (EventBridge) invocation. */
  readonly messageId?: string;
  /** The EventBridge event: an object (direct invocation) or its JSON text (SQS body). */
  readonly body: unknown;
}

/** How the Lambda was invoked, and the events it carries. */
export type LambdaInvocation =
  | { readonly source: "sqs"; readonly records: readonly IncomingRecord[] }
  | { readonly source: "direct"; readonly records: readonly [IncomingRecord] };

/**
 * Tells an SQS batch (`{ Records: [{ eventSource: "aws:sqs", messageId, body }] }`) from one directly
 * delivered EventBridge event, and lists the events to parse.
 *
 * Anything that is not an SQS batch is treated as one direct event and left for the event parser to
 * accept, ignore or refuse — so a surprising payload is logged as `invalid`/`ignored` instead of crashing.
 * An SQS record without a string `messageId` cannot be reported back, so its body is still parsed and
 * the record is treated like a direct event.
 *
 * @example
 * splitLambdaEvent({ Records: [{ eventSource: "aws:sqs", messageId: "m1", body: "{…}" }] });
 * // { source: "sqs", records: [{ messageId: "m1", body: "{…}" }] }
 */
export function splitLambdaEvent(event: unknown): LambdaInvocation {
  const records = isRecord(event) ? event.Records : undefined;
  if (!Array.isArray(records) || records.length === 0 || !records.every(isSqsRecord)) {
    return { source: "direct", records: [{ body: event }] };
  }
  return {
    source: "sqs",
    records: records.map((record) =>
      typeof record.messageId === "string"
        ? { messageId: record.messageId, body: record.body }
        : { body: record.body },
    ),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSqsRecord(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value.eventSource === "aws:sqs";
}
