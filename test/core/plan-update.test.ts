import { describe, expect, it } from "vitest";
import { parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import type { EcrPush } from "../../lambda/core/event/ecr-push.ts";
import { planUpdate } from "../../lambda/core/update/plan-update.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";

const OLD_DIGEST = `sha256:${"b".repeat(64)}`;

const CONFIG = parseHeimdallConfig(
  ".heimdall.yaml",
  `version: 1
targets:
  - repository: web
    paths: [apps/prod/**]
    order: semver
  - repository: web
    paths: [apps/dev/**]
  - repository: web
    paths: [apps/frozen/**]
    paused: true
    pausedReason: incident 4711
`,
);

function image(tag: string, digest?: string): string {
  return `${SEOUL_REGISTRY}/web:${tag}${digest === undefined ? "" : `@${digest}`}`;
}

function files(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries).map(([path, tag]) => [path, `image: ${image(tag)} # app\n`]));
}

function manual(tag: string, digest?: string): EcrPush {
  const { digest: _eventDigest, ...rest } = push("web", tag);
  return { ...rest, manual: true, ...(digest === undefined ? {} : { digest }) };
}

describe("planUpdate with paused targets", () => {
  it("leaves files under a paused target as they are and lists their references as skipped", () => {
    const plan = planUpdate({
      pushes: [push("web", "1.4.0")],
      files: files({ "apps/frozen/a.yaml": "1.3.0", "apps/dev/a.yaml": "1.3.0" }),
      config: CONFIG,
    });
    expect(plan.files.map((file) => file.path)).toEqual(["apps/dev/a.yaml"]);
    expect(plan.images[0]).toMatchObject({ outcome: "updated" });
    expect(plan.images[0]?.skipped).toEqual([
      {
        file: "apps/frozen/a.yaml",
        document: 0,
        path: "image",
        value: image("1.3.0"),
        why: "paused",
        reason: "targets[2] is paused: incident 4711",
      },
    ]);
  });

  it("is paused when the only references it would change are under a paused target", () => {
    const plan = planUpdate({
      pushes: [push("web", "1.4.0")],
      files: files({ "apps/frozen/a.yaml": "1.3.0", "apps/dev/a.yaml": "1.4.0" }),
      config: CONFIG,
    });
    expect(plan.files).toEqual([]);
    expect(plan.images[0]).toMatchObject({
      outcome: "paused",
      reason: "targets[2] is paused: incident 4711",
    });
  });
});

describe("planUpdate under order: semver", () => {
  it("refuses to lower a deployed version: stale, with the versions, and nothing written", () => {
    const plan = planUpdate({
      pushes: [push("web", "v1.2.5")],
      files: files({ "apps/prod/a.yaml": "v1.3.0" }),
      config: CONFIG,
    });
    expect(plan.files).toEqual([]);
    expect(plan.images[0]).toMatchObject({ outcome: "stale", reason: "older version 1.2.5 < 1.3.0" });
    expect(plan.images[0]?.skipped?.map((entry) => entry.why)).toEqual(["older-version"]);
  });

  it("raises a version, and marks the change as judged by version", () => {
    const plan = planUpdate({
      pushes: [push("web", "1.3.1")],
      files: files({ "apps/prod/a.yaml": "1.3.0" }),
      config: CONFIG,
    });
    expect(plan.images[0]?.outcome).toBe("updated");
    expect(plan.files[0]?.after).toBe(`image: ${image("1.3.1")} # app\n`);
    expect([...plan.versionChecked]).toEqual(plan.changes);
  });

  it("still lowers a push-time target's file, where only push times order", () => {
    const plan = planUpdate({
      pushes: [push("web", "1.2.5")],
      files: files({ "apps/prod/a.yaml": "1.3.0", "apps/dev/a.yaml": "1.3.0" }),
      config: CONFIG,
    });
    expect(plan.files.map((file) => file.path)).toEqual(["apps/dev/a.yaml"]);
    expect(plan.images[0]?.outcome).toBe("updated");
    expect(plan.images[0]?.skipped?.map((entry) => [entry.file, entry.reason])).toEqual([
      ["apps/prod/a.yaml", "older version 1.2.5 < 1.3.0"],
    ]);
    expect(plan.versionChecked.size).toBe(0);
  });

  it("replaces a deployed tag that is not a version", () => {
    const plan = planUpdate({
      pushes: [push("web", "1.0.0")],
      files: files({ "apps/prod/a.yaml": "latest" }),
      config: CONFIG,
    });
    expect(plan.images[0]?.outcome).toBe("updated");
  });
});

describe("planUpdate for a manual push", () => {
  it("updates a tag-only reference and writes no digest", () => {
    const plan = planUpdate({
      pushes: [manual("1.2.0")],
      files: files({ "apps/dev/a.yaml": "1.3.0" }),
      config: CONFIG,
    });
    expect(plan.files[0]?.after).toBe(`image: ${image("1.2.0")} # app\n`);
    expect(plan.warnings).toEqual([]);
  });

  it("skips a file pinned by digest when the push names no digest, and says how to give one", () => {
    const text = `image: ${image("1.3.0", OLD_DIGEST)}\n---\nimage: ${image("1.3.0")}\n`;
    const plan = planUpdate({
      pushes: [manual("1.2.0")],
      files: new Map([["apps/dev/a.yaml", text]]),
      config: CONFIG,
    });
    expect(plan.files).toEqual([]);
    expect(plan.images[0]?.outcome).toBe("no-change");
    expect(plan.warnings).toEqual([
      {
        code: "digest-required",
        file: "apps/dev/a.yaml",
        message: `skipped apps/dev/a.yaml: image is pinned by digest and the push names none — give the digest, e.g. --image ${SEOUL_REGISTRY}/web:1.2.0@sha256:…`,
      },
    ]);
  });

  it("writes the digest it names", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const plan = planUpdate({
      pushes: [manual("1.2.0", digest)],
      files: new Map([["apps/dev/a.yaml", `image: ${image("1.3.0", OLD_DIGEST)}\n`]]),
      config: CONFIG,
    });
    expect(plan.files[0]?.after).toBe(`image: ${image("1.2.0", digest)}\n`);
  });
});
