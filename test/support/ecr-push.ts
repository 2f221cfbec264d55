import type { EcrPush } from "../../lambda/core/event/ecr-push.ts";
import { PUSH_DIGEST, SEOUL_REGISTRY } from "./constants.ts";

/** A parsed push of `repository:tag` to the Seoul registry, as `parseEcrEvent` returns it. */
export function ecrPush(repository: string, tag: string, time = "2026-11-20T10:00:00Z"): EcrPush {
  return {
    eventId: `evt-${repository}:${tag}@${time}`,
    time: new Date(time),
    account: "405906814034",
    region: "ap-northeast-2",
    registry: SEOUL_REGISTRY,
    imageRepository: repository,
    tag,
    digest: PUSH_DIGEST,
  };
}
