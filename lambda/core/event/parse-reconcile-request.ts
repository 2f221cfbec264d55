import { InvalidEventError } from "./invalid-event-error.ts";

/** heimdall's own request to reconcile; the schedule (or an operator) sends it. */
export interface ReconcileRequest {
  readonly kind: "reconcile";
  /** The EventBridge event id, when the request came through EventBridge; used as the correlation id. */
  readonly id?: string;
}

/** The `source` and `detail-type` of a reconcile request. */
export const RECONCILE_SOURCE = "ecr-heimdall";
export const RECONCILE_DETAIL_TYPE = "Heimdall Reconcile";

/**
 * Recognises a reconcile request — `{"source": "ecr-heimdall", "detail-type": "Heimdall Reconcile",
 * "detail": {}}`, as an object or its JSON text (an SQS body) — and returns `undefined` for anything else,
 * which is then the ECR event parser's to accept or refuse. Other fields (an EventBridge envelope's `id`,
 * `time`, …) are allowed. A request from `ecr-heimdall` that is not a reconcile (another detail-type, a
 * `detail` that is not an object) throws {@link InvalidEventError}: it was meant for heimdall and is wrong.
 *
 * @example
 * parseReconcileRequest('{"source":"ecr-heimdall","detail-type":"Heimdall Reconcile","detail":{}}');
 * // { kind: "reconcile" }
 * parseReconcileRequest(ecrPushEvent); // undefined
 */
export function parseReconcileRequest(input: unknown): ReconcileRequest | undefined {
  let request = input;
  if (typeof input === "string") {
    if (!input.includes(RECONCILE_SOURCE)) return undefined;
    try {
      request = JSON.parse(input.startsWith("\uFEFF") ? input.slice(1) : input);
    } catch {
      return undefined;
    }
  }
  if (typeof request !== "object" || request === null || Array.isArray(request)) return undefined;
  const record = request as Record<string, unknown>;
  if (record.source !== RECONCILE_SOURCE) return undefined;
  if (record["detail-type"] !== RECONCILE_DETAIL_TYPE) {
    throw new InvalidEventError(
      `invalid heimdall request: detail-type '${String(record["detail-type"]).slice(0, 80)}' is not '${RECONCILE_DETAIL_TYPE}' — send {"source": "${RECONCILE_SOURCE}", "detail-type": "${RECONCILE_DETAIL_TYPE}", "detail": {}}`,
    );
  }
  const detail = record.detail;
  if (detail !== undefined && (typeof detail !== "object" || detail === null || Array.isArray(detail))) {
    throw new InvalidEventError(
      "invalid heimdall request: 'detail' is not a JSON object — send \"detail\": {}",
    );
  }
  return typeof record.id === "string" && record.id !== ""
    ? { kind: "reconcile", id: record.id.slice(0, 128) }
    : { kind: "reconcile" };
}
