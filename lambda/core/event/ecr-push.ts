/** What every push carries, from an event or typed by an operator. */
interface EcrPushFields {
  /** EventBridge event id (a generated `manual-…` id for a manual push); the correlation id in logs. */
  readonly eventId: string;
  /** When ECR says the push happened (EventBridge `time`); for a manual push, when it was asked for. */
  readonly time: Date;
  readonly account: string;
  readonly region: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com` (`.amazonaws.com.cn` in China regions). */
  readonly registry: string;
  readonly imageRepository: string;
  readonly tag: string;
}

/**
 * A successful, tagged image push to ECR: the one event heimdall acts on. An ECR event always names the
 * digest; only a manual push (`heimdall apply --image <reference>`, `manual: true`) may lack it, and then
 * no digest is ever written for it (a reference that would need one is skipped with a warning).
 *
 * @example
 * const push: EcrPush = {
 *   eventId: "3b5c…", time: new Date("2026-11-22T03:00:00Z"),
 *   account: "405906814034", region: "ap-northeast-2",
 *   registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
 *   imageRepository: "snutt-dev/snutt-timetable", tag: "46", digest: "sha256:…",
 * };
 * if (push.manual !== true) push.digest; // string
 */
export type EcrPush =
  | (EcrPushFields & {
      readonly manual?: false;
      /** `sha256:` + 64 hex digits. */
      readonly digest: string;
    })
  | (EcrPushFields & {
      /** Typed by an operator (`heimdall apply --image`), not delivered by ECR. */
      readonly manual: true;
      /** `sha256:` + 64 hex digits, when the reference named one. */
      readonly digest?: string;
    });
