/** Builds EventBridge `ECR Image Action` envelopes the way ECR sends them, with overridable parts. */
export function ecrEvent(
  detail: Partial<
    Record<"result" | "repository-name" | "image-digest" | "action-type" | "image-tag", unknown>
  > = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: "0",
    id: "7f1c7ac0-5b5e-4c4e-9a3e-0f1d2c3b4a59",
    "detail-type": "ECR Image Action",
    source: "aws.ecr",
    account: "405906814034",
    time: "2026-11-20T10:00:00Z",
    region: "ap-northeast-2",
    resources: [],
    detail: {
      result: "SUCCESS",
      "repository-name": "snutt-dev/snutt-timetable",
      "image-digest": `sha256:${"ab".repeat(32)}`,
      "action-type": "PUSH",
      "image-tag": "46",
      ...detail,
    },
    ...envelope,
  };
}
