import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { newestPushPerRepository } from "../../lambda/core/update/newest-push-per-repository.ts";
import { releaseOrder } from "../../lambda/core/update/release-order.ts";
import { ecrPush as push } from "../support/ecr-push.ts";

const SEMVER = parseHeimdallConfig(
  ".heimdall.yaml",
  "version: 1\ntargets:\n  - repository: web\n    paths: [apps/web/**]\n    order: semver\n",
);

describe("releaseOrder", () => {
  const hotfix = push("web", "1.3.1", "2026-11-20T10:00:05Z");
  const feature = push("web", "v1.4.0", "2026-11-20T10:00:00Z");

  it("lets the highest version win a batch under order: semver, whatever the event times", () => {
    expect(newestPushPerRepository([feature, hotfix], () => true, releaseOrder(SEMVER))).toEqual([feature]);
    expect(newestPushPerRepository([hotfix, feature], () => true, releaseOrder(SEMVER))).toEqual([feature]);
  });

  it("keeps the event-time order without order: semver", () => {
    expect(newestPushPerRepository([feature, hotfix], () => true, releaseOrder(DEFAULT_CONFIG))).toEqual([
      hotfix,
    ]);
  });

  it("falls back to event time for equal versions", () => {
    const again = push("web", "1.4.0", "2026-11-20T10:00:09Z");
    expect(releaseOrder(SEMVER)(again, feature)).toBeGreaterThan(0);
    expect(releaseOrder(SEMVER)(feature, again)).toBeLessThan(0);
  });
});
