import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../lambda/core/event/invalid-event-error.ts";
import { parseReconcileRequest } from "../../lambda/core/event/parse-reconcile-request.ts";
import { ecrEvent } from "../support/ecr-event.ts";

const request = { source: "ecr-heimdall", "detail-type": "Heimdall Reconcile", detail: {} };

describe("parseReconcileRequest", () => {
  it("recognises the request as an object, as JSON text and inside an EventBridge envelope", () => {
    expect(parseReconcileRequest(request)).toEqual({ kind: "reconcile" });
    expect(parseReconcileRequest(`\uFEFF${JSON.stringify(request)}`)).toEqual({ kind: "reconcile" });
    expect(parseReconcileRequest({ ...request, id: "evt-1", time: "2026-11-20T10:00:00Z" })).toEqual({
      kind: "reconcile",
      id: "evt-1",
    });
  });

  it("leaves everything else to the ECR event parser", () => {
    expect(parseReconcileRequest(ecrEvent())).toBeUndefined();
    expect(parseReconcileRequest(JSON.stringify(ecrEvent()))).toBeUndefined();
    expect(parseReconcileRequest("{not json ecr-heimdall")).toBeUndefined();
    expect(parseReconcileRequest(["ecr-heimdall"])).toBeUndefined();
    expect(parseReconcileRequest(null)).toBeUndefined();
  });

  it("refuses a heimdall request it does not know", () => {
    expect(() => parseReconcileRequest({ ...request, "detail-type": "Heimdall Explode" })).toThrow(
      new InvalidEventError(
        `invalid heimdall request: detail-type 'Heimdall Explode' is not 'Heimdall Reconcile' — send {"source": "ecr-heimdall", "detail-type": "Heimdall Reconcile", "detail": {}}`,
      ),
    );
    expect(() => parseReconcileRequest({ ...request, detail: "x" })).toThrow(InvalidEventError);
  });
});
