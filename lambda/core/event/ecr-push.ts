/**
 * A successful, tagged image push to ECR: the one event heimdall acts on.
 *
 * @example
 * const push: EcrPush = {
 *   eventId: "3b5c…", time: new Date("2026-11-22T03:00:00Z"),
 *   account: "405906814034", region: "ap-northeast-2",
 *   registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
 *   repository: "snutt-dev/snutt-timetable", tag: "46", digest: "sha256:…",
 * };
 */
export interface EcrPush {
  /** EventBridge event id; used as the correlation id in logs. */
  readonly eventId: string;
  /** When ECR says the push happened (EventBridge `time`). */
  readonly time: Date;
  readonly account: string;
  readonly region: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com` (`.amazonaws.com.cn` in China regions). */
  readonly registry: string;
  readonly imageRepository: string;
  readonly tag: string;
  /** `sha256:` + 64 hex digits. */
  readonly digest: string;
}
