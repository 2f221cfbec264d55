import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import {
  type ResolvedTarget,
  resolveTargets,
  type TargetResolution,
} from "../../lambda/core/config/resolve-targets.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";

const VIRGINIA = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const IRELAND = "222233334444.dkr.ecr.eu-west-1.amazonaws.com";

function targetsOf(resolution: TargetResolution): readonly ResolvedTarget[] {
  if (resolution.kind !== "targets") throw new Error(`expected targets, got ${JSON.stringify(resolution)}`);
  return resolution.targets;
}

/** Which of `paths` the resolution lets the push edit, and through which registries. */
function editable(resolution: TargetResolution, paths: readonly string[]): Record<string, readonly string[]> {
  const result: Record<string, readonly string[]> = {};
  for (const path of paths) {
    const registries = targetsOf(resolution)
      .filter((target) => target.paths.matches(path))
      .flatMap((target) => target.registries);
    if (registries.length > 0) result[path] = [...new Set(registries)];
  }
  return result;
}

const FILES = [
  "apps/snutt-dev/snutt-timetable/deployment.yaml",
  "apps/snutt-dev-canary/snutt-timetable/deployment.yaml",
  "apps/snutt-prod/snutt-timetable/deployment.yaml",
  "apps/k8s-monitoring/grafana/values.yml",
  "apps/other/deployment.yaml",
];

describe("resolveTargets without a config file (convention)", () => {
  it("maps the first repository segment to apps/<segment>/**, on the push's own registry only", () => {
    const resolution = resolveTargets(push("snutt-dev/snutt-timetable", "46"), DEFAULT_CONFIG);
    expect(targetsOf(resolution).map((target) => target.paths.roots)).toEqual([["apps/snutt-dev"]]);
    expect(editable(resolution, FILES)).toEqual({
      "apps/snutt-dev/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY],
    });
  });

  it("maps a repository without a slash to its own folder", () => {
    const resolution = resolveTargets(push("k8s-monitoring", "1.2.3"), DEFAULT_CONFIG);
    expect(editable(resolution, FILES)).toEqual({
      "apps/k8s-monitoring/grafana/values.yml": [SEOUL_REGISTRY],
    });
  });
});

describe("resolveTargets with a config file", () => {
  const config = parseHeimdallConfig(
    ".heimdall.yaml",
    `version: 1
registries: [${VIRGINIA}]
targets:
  - repository: snutt-prod/*
    paths: [apps/snutt-prod/**]
    tags: '^v\\d+\\.\\d+\\.\\d+$'
  - repository: snutt-dev/*
    paths: [apps/snutt-dev/**]
  - repository: snutt-dev/snutt-timetable
    paths: [apps/snutt-dev-canary/**]
    registries: [${IRELAND}]
`,
  );

  it("unites the paths of every matching target, each with its own registries", () => {
    const resolution = resolveTargets(push("snutt-dev/snutt-timetable", "46"), config);
    expect(editable(resolution, FILES)).toEqual({
      "apps/snutt-dev/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY, VIRGINIA],
      "apps/snutt-dev-canary/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY, VIRGINIA, IRELAND],
    });
  });

  it("applies only the targets whose repository glob matches (* stays in one segment)", () => {
    const resolution = resolveTargets(push("snutt-dev/snutt-core", "46"), config);
    expect(editable(resolution, FILES)).toEqual({
      "apps/snutt-dev/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY, VIRGINIA],
    });
    const nested = resolveTargets(push("snutt-dev/team/api", "46"), config);
    expect(targetsOf(nested).map((target) => target.paths.roots)).toEqual([["apps/snutt-dev"]]);
  });

  it("lets a tag the filter accepts through", () => {
    const resolution = resolveTargets(push("snutt-prod/snutt-timetable", "v1.2.3"), config);
    expect(editable(resolution, FILES)).toEqual({
      "apps/snutt-prod/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY, VIRGINIA],
    });
  });

  it("is tag-rejected when every matching target's filter refuses the tag", () => {
    expect(resolveTargets(push("snutt-prod/snutt-timetable", "46"), config)).toEqual({
      kind: "tag-rejected",
      reason:
        "tag '46' of 'snutt-prod/snutt-timetable' matches no tag filter of its targets (targets[0].tags '^v\\d+\\.\\d+\\.\\d+$')",
    });
    expect(resolveTargets(push("snutt-prod/snutt-timetable", "xv1.2.3y"), config).kind).toBe("tag-rejected");
  });

  it("evaluates a catastrophically backtracking tags pattern in linear time (RE2), so a config cannot stall the function", () => {
    // With JavaScript's backtracking RegExp this one check takes over a minute (doubling per digit) and the
    // test times out; RE2 answers at once.
    const hostile = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: shop/*\n    paths: [apps/shop/**]\n    tags: '^v?(\\d+\\.?)+$'\n",
    );
    expect(resolveTargets(push("shop/web", `${"1".repeat(30)}-rc1`), hostile).kind).toBe("tag-rejected");
    expect(resolveTargets(push("shop/web", "v1.22.3"), hostile).kind).toBe("targets");
  });

  it("refuses lookaround and backreferences in tags with the pattern quoted", () => {
    expect(() =>
      parseHeimdallConfig(
        ".heimdall.yaml",
        "version: 1\ntargets:\n  - repository: shop/*\n    paths: [apps/shop/**]\n    tags: '^(?!rc)'\n",
      ),
    ).toThrow("invalid regular expression '^(?!rc)'");
  });

  it("keeps the targets that accept the tag when only some refuse it", () => {
    const mixed = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: 'snutt-prod/*'\n    paths: [apps/snutt-prod/**]\n    tags: '^v'\n  - repository: '**'\n    paths: [apps/other/**]\n",
    );
    const resolution = resolveTargets(push("snutt-prod/snutt-timetable", "46"), mixed);
    expect(editable(resolution, FILES)).toEqual({ "apps/other/deployment.yaml": [SEOUL_REGISTRY] });
  });

  it("falls back to the convention (with the global registries) when no target matches", () => {
    const resolution = resolveTargets(push("k8s-monitoring", "1.2.3"), config);
    expect(editable(resolution, FILES)).toEqual({
      "apps/k8s-monitoring/grafana/values.yml": [SEOUL_REGISTRY, VIRGINIA],
    });
  });

  it("is unmapped when no target matches and fallback is none", () => {
    const strict = parseHeimdallConfig(
      ".heimdall.yml",
      "version: 1\nfallback: none\ntargets:\n  - repository: snutt-prod/*\n    paths: [apps/snutt-prod/**]\n",
    );
    expect(resolveTargets(push("snutt-dev/snutt-timetable", "46"), strict)).toEqual({
      kind: "unmapped",
      reason:
        "no target in .heimdall.yml matches repository 'snutt-dev/snutt-timetable' and fallback is 'none'; add a target for it, or set fallback: convention",
    });
  });

  it("never lists the push's registry twice", () => {
    const same = parseHeimdallConfig(".heimdall.yaml", `version: 1\nregistries: [${SEOUL_REGISTRY}]\n`);
    expect(targetsOf(resolveTargets(push("snutt-dev/x", "1"), same))[0]?.registries).toEqual([
      SEOUL_REGISTRY,
    ]);
  });

  it("gives the same answer when resolving the same config again", () => {
    const first = resolveTargets(push("snutt-dev/snutt-timetable", "46"), config);
    const second = resolveTargets(push("snutt-dev/snutt-timetable", "47"), config);
    expect(editable(second, FILES)).toEqual(editable(first, FILES));
  });
});

describe("resolveTargets with the operator's policy", () => {
  const policy = parseHeimdallConfig(
    ".heimdall.yaml",
    `version: 1
targets:
  - repository: snutt-prod/*
    paths: [apps/snutt-prod/**]
    order: semver
    semver: ^1.2
    pinDigest: true
  - repository: snutt-dev/*
    paths: [apps/snutt-dev/**]
    paused: true
    pausedReason: release freeze
  - repository: snutt-dev/snutt-timetable
    paths: [apps/snutt-dev-canary/**]
  - repository: k8s-monitoring
    paths: [apps/k8s-monitoring/**]
    paused: true
`,
  );

  it("is paused, with the reason, when every target that takes the push is paused", () => {
    expect(resolveTargets(push("snutt-dev/snutt-core", "46"), policy)).toEqual({
      kind: "paused",
      reason: "targets[1] is paused: release freeze",
    });
    expect(resolveTargets(push("k8s-monitoring", "1"), policy)).toEqual({
      kind: "paused",
      reason: "targets[3] is paused: paused in .heimdall.yaml",
    });
  });

  it("keeps the active targets and returns the paused ones beside them when only some are paused", () => {
    const resolution = resolveTargets(push("snutt-dev/snutt-timetable", "46"), policy);
    expect(editable(resolution, FILES)).toEqual({
      "apps/snutt-dev-canary/snutt-timetable/deployment.yaml": [SEOUL_REGISTRY],
    });
    if (resolution.kind !== "targets") throw new Error("expected targets");
    expect(resolution.paused.map((target) => [target.paths.roots, target.reason])).toEqual([
      [["apps/snutt-dev"], "targets[1] is paused: release freeze"],
    ]);
  });

  it("carries pinDigest and order into the resolved targets", () => {
    const [target] = targetsOf(resolveTargets(push("snutt-prod/api", "v1.4.0"), policy));
    expect(target).toMatchObject({ pinDigest: true, order: "semver" });
    const [convention] = targetsOf(resolveTargets(push("other/api", "1"), policy));
    expect(convention).toMatchObject({ pinDigest: false, order: "push-time" });
  });

  it("accepts semantic versions with or without v inside the range", () => {
    for (const tag of ["1.2.0", "v1.4.7", "1.9.9"]) {
      expect(resolveTargets(push("snutt-prod/api", tag), policy).kind).toBe("targets");
    }
  });

  it("refuses a tag that is not a semantic version under order: semver", () => {
    expect(resolveTargets(push("snutt-prod/api", "latest"), policy)).toEqual({
      kind: "tag-rejected",
      reason:
        "tag 'latest' of 'snutt-prod/api' is refused by every target that matches it: targets[0] orders by semver and 'latest' is not a semantic version (write tags like 1.2.3 or v1.2.3)",
    });
    expect(resolveTargets(push("snutt-prod/api", "1.2"), policy).kind).toBe("tag-rejected");
  });

  it("refuses a version outside the range", () => {
    expect(resolveTargets(push("snutt-prod/api", "v2.0.0"), policy)).toEqual({
      kind: "tag-rejected",
      reason:
        "tag 'v2.0.0' of 'snutt-prod/api' is refused by every target that matches it: targets[0].semver '^1.2' does not include version 2.0.0",
    });
    expect(resolveTargets(push("snutt-prod/api", "1.1.9"), policy).kind).toBe("tag-rejected");
    // node-semver: a prerelease is outside a range unless the range names that prerelease's version.
    expect(resolveTargets(push("snutt-prod/api", "1.3.0-rc.1"), policy).kind).toBe("tag-rejected");
  });

  it("needs a version for a semver range even when the order is push-time", () => {
    const ranged = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    semver: '>=2'\n",
    );
    expect(resolveTargets(push("a", "main"), ranged)).toMatchObject({
      kind: "tag-rejected",
      reason: expect.stringContaining("targets[0] has semver '>=2' and 'main' is not a semantic version"),
    });
    expect(resolveTargets(push("a", "2.0.1"), ranged).kind).toBe("targets");
  });

  it("is tag-rejected, not paused, when a paused target refuses the tag anyway", () => {
    const both = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    tags: '^v'\n    paused: true\n",
    );
    expect(resolveTargets(push("a", "46"), both).kind).toBe("tag-rejected");
    expect(resolveTargets(push("a", "v46"), both).kind).toBe("paused");
  });
});
