import { parse, type SemVer } from "semver";
import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import type { OwnPushTime } from "./own-push-times.ts";

/**
 * How two pushes of one ECR repository rank in a batch under `config`: when both go to a target with
 * `order: semver` (and so both tags are versions), the higher version ranks higher whatever the event
 * times; otherwise, and on equal versions (`v1.2.0` and `1.2.0`), the later push does: by ECR's own
 * millisecond push time where `times` has it for both (see `ownPushTimes`), else by event time (whole
 * seconds). `resolutions` are the pushes' targets when the caller resolved them already (once per round).
 *
 * @example
 * const compare = releaseOrder(config); // targets[0] has order: semver
 * compare(push("web", "1.4.0", "10:00:00Z"), push("web", "1.3.1", "10:00:05Z")); // > 0: 1.4.0 wins
 */
export function releaseOrder(
  config: HeimdallConfig,
  resolutions?: ReadonlyMap<EcrPush, TargetResolution>,
  times?: ReadonlyMap<EcrPush, OwnPushTime>,
): (a: EcrPush, b: EcrPush) => number {
  const resolve = (push: EcrPush) => resolutions?.get(push) ?? resolveTargets(push, config);
  return (a, b) => {
    const first = versionOf(a, resolve(a));
    const second = versionOf(b, resolve(b));
    const byVersion = first === null || second === null ? 0 : first.compare(second);
    if (byVersion !== 0) return byVersion;
    const [ownA, ownB] = [times?.get(a), times?.get(b)];
    if (ownA?.precise === true && ownB?.precise === true) return ownA.time.getTime() - ownB.time.getTime();
    return a.time.getTime() - b.time.getTime();
  };
}

function versionOf(push: EcrPush, resolution: TargetResolution): SemVer | null {
  if (resolution.kind !== "targets" || !resolution.targets.some((target) => target.order === "semver")) {
    return null;
  }
  return parse(push.tag);
}
