import { SEOUL_REGISTRY } from "./constants.ts";
import { ecrEvent } from "./ecr-event.ts";

/** An ECR push event for `repository:tag` with its own event id. */
export function pushEvent(
  repository: string,
  tag: string,
  time = "2026-11-20T10:00:00Z",
): Record<string, unknown> {
  return ecrEvent(
    { "repository-name": repository, "image-tag": tag },
    { id: `evt-${repository.replaceAll("/", "-")}-${tag}-${Date.parse(time)}`, time },
  );
}

/** An SQS batch as Lambda's event source mapping delivers it: each body is the EventBridge event's JSON. */
export function sqsBatch(bodies: readonly (Record<string, unknown> | string)[]): Record<string, unknown> {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `msg-${index}`,
      receiptHandle: `rh-${index}`,
      body: typeof body === "string" ? body : JSON.stringify(body),
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: "1763632800000" },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:ap-northeast-2:405906814034:heimdall-events",
      awsRegion: "ap-northeast-2",
    })),
  };
}

/** A Deployment manifest whose container runs `image` (ECR repository:tag under {@link SEOUL_REGISTRY}). */
export function deployment(name: string, image: string, eol = "\n"): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name} # keep me`,
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    `          image: ${SEOUL_REGISTRY}/${image}`,
    "",
  ].join(eol);
}

/** heimdall's own reconcile request, as the schedule sends it (an EventBridge envelope around it is optional). */
export function reconcileRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { source: "ecr-heimdall", "detail-type": "Heimdall Reconcile", detail: {}, ...extra };
}

/** The Lambda context of a function in the fixtures' account and region (the reconcile reads its registry). */
export const LAMBDA_CONTEXT = {
  functionName: "ecr-heimdall",
  functionVersion: "$LATEST",
  memoryLimitInMB: "512",
  invokedFunctionArn: "arn:aws:lambda:ap-northeast-2:405906814034:function:ecr-heimdall",
  awsRequestId: "req-1",
  logGroupName: "/aws/lambda/ecr-heimdall",
  logStreamName: "stream",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
