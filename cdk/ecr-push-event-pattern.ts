import type { EventPattern } from "aws-cdk-lib/aws-events";

/**
 * The EventBridge pattern that matches a successful, tagged ECR image push, optionally narrowed to
 * repositories whose name starts with one of `repositoryPrefixes`.
 *
 * - Untagged pushes (`image-tag` absent: a digest-only push, or the manifest list half of a
 *   multi-arch push) are dropped here because there is no tag to write into a manifest.
 * - An empty or omitted prefix list matches every repository in the account and region.
 * - Prefixes are matched as plain string prefixes by EventBridge, so `snutt-dev/` matches
 *   `snutt-dev/snutt-timetable` but not `snutt-dev-old/x`; write the trailing `/` to mean a namespace.
 *
 * @example
 * ecrPushEventPattern(["snutt-dev/"]).detail
 * // → { "action-type": ["PUSH"], result: ["SUCCESS"], "image-tag": [{ exists: true }],
 * //     "repository-name": [{ prefix: "snutt-dev/" }] }
 */
export function ecrPushEventPattern(repositoryPrefixes: readonly string[] = []): EventPattern {
  const detail: Record<string, unknown[]> = {
    "action-type": ["PUSH"],
    result: ["SUCCESS"],
    "image-tag": [{ exists: true }],
  };
  if (repositoryPrefixes.length > 0) {
    detail["repository-name"] = repositoryPrefixes.map((prefix) => ({ prefix }));
  }
  return { source: ["aws.ecr"], detailType: ["ECR Image Action"], detail };
}
