import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import type { EcrPush } from "../../lambda/core/event/ecr-push.ts";
import { DEFAULT_MAX_FILE_BYTES, planUpdate } from "../../lambda/core/update/plan-update.ts";
import { PUSH_DIGEST, SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { IMG } from "../support/image-edit.ts";

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

  it("skips a tag-only reference under pinDigest when the push names no digest", () => {
    const pinning = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: web\n    paths: [apps/dev/**]\n    pinDigest: true\n",
    );
    const plan = planUpdate({
      pushes: [manual("latest")],
      files: files({ "apps/dev/a.yaml": "1.3.0" }),
      config: pinning,
    });
    expect(plan.files).toEqual([]);
    expect(plan.warnings.map((warning) => [warning.code, warning.message])).toEqual([
      [
        "digest-required",
        `skipped apps/dev/a.yaml: image gets a digest under pinDigest and the push names none — give the digest, e.g. --image ${SEOUL_REGISTRY}/web:latest@sha256:…`,
      ],
    ]);
  });
});

const DIR = "apps/snutt-dev/snutt-timetable";
const TIMETABLE_PUSH = push("snutt-dev/snutt-timetable", "46");

function planFiles(files: Record<string, string>, maxFileBytes?: number) {
  return planUpdate({
    pushes: [TIMETABLE_PUSH],
    files: new Map(Object.entries(files)),
    config: DEFAULT_CONFIG,
    maxFileBytes,
  });
}

describe("planUpdate: files it will not edit", () => {
  it("skips a manifest over the size limit before parsing it, and still edits the others", () => {
    const big = `image: ${IMG}:45\n# ${"x".repeat(2000)}\n`;
    const small = `image: ${IMG}:45\n`;
    const result = planFiles({ [`${DIR}/big.yaml`]: big, [`${DIR}/small.yaml`]: small }, 1000);
    expect(result.files.map((file) => file.path)).toEqual([`${DIR}/small.yaml`]);
    expect(result.warnings).toEqual([
      {
        code: "too-large",
        file: `${DIR}/big.yaml`,
        message: `skipped ${DIR}/big.yaml: ${big.length} bytes, over the limit of 1000 bytes — heimdall does not parse files that large`,
      },
    ]);
  });

  it("counts bytes, not characters", () => {
    const text = `image: ${IMG}:45\n# ${"é".repeat(600)}\n`; // 600 characters, 1200 bytes
    expect(planFiles({ [`${DIR}/a.yaml`]: text }, text.length + 10).warnings.map((w) => w.code)).toEqual([
      "too-large",
    ]);
  });

  it("says nothing about a large file that does not mention the image", () => {
    const result = planFiles({ [`${DIR}/crds.yaml`]: `a: ${"x".repeat(5000)}\n` }, 1000);
    expect(result.warnings).toEqual([]);
  });

  it("defaults to 1 MiB", () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(1_048_576);
    const justOver = `image: ${IMG}:45\n#${"x".repeat(DEFAULT_MAX_FILE_BYTES)}\n`;
    const result = planFiles({ [`${DIR}/a.yaml`]: justOver, [`${DIR}/b.yaml`]: `image: ${IMG}:45\n` });
    expect(result.warnings.map((w) => [w.code, w.file])).toEqual([["too-large", `${DIR}/a.yaml`]]);
    expect(result.files.map((file) => file.path)).toEqual([`${DIR}/b.yaml`]);
  });

  it("warns with a code of its own for too deep and for YAML it cannot edit exactly", () => {
    const result = planFiles({
      [`${DIR}/deep.yaml`]: `a: ${"[".repeat(500)}{image: ${IMG}:45}${"]".repeat(500)}\n`,
      [`${DIR}/bom.yaml`]: `a: 1\n---\n\uFEFFimage: ${IMG}:45\n`,
    });
    expect(result.warnings.map((w) => [w.code, w.file, w.line])).toEqual([
      ["unsupported-yaml", `${DIR}/bom.yaml`, 3],
      ["too-deep", `${DIR}/deep.yaml`, 1],
    ]);
    expect(result.images[0]?.outcome).toBe("no-change");
  });
});

describe("planUpdate with pins and pinDigest", () => {
  const config = parseHeimdallConfig(
    ".heimdall.yaml",
    "version: 1\ntargets:\n  - repository: web\n    paths: [apps/mutable/**]\n    pinDigest: true\n  - repository: web\n    paths: [apps/plain/**]\n",
  );

  it("writes the pushed digest only under a pinDigest target", () => {
    const result = planUpdate({
      pushes: [push("web", "latest")],
      files: files({ "apps/mutable/a.yaml": "latest", "apps/plain/a.yaml": "1.0.0" }),
      config,
    });
    expect(result.files.map((file) => [file.path, file.after])).toEqual([
      ["apps/mutable/a.yaml", `image: ${image("latest", PUSH_DIGEST)} # app\n`],
      ["apps/plain/a.yaml", `image: ${image("latest")} # app\n`],
    ]);
  });

  it("is a no-change when the same digest is pushed again", () => {
    const result = planUpdate({
      pushes: [push("web", "latest")],
      files: new Map([["apps/mutable/a.yaml", `image: ${image("latest", PUSH_DIGEST)}\n`]]),
      config,
    });
    expect(result.images[0]?.outcome).toBe("no-change");
  });

  it("lists references a pin comment kept as skipped, and updates the rest", () => {
    const result = planUpdate({
      pushes: [push("web", "1.1.0")],
      files: new Map([
        ["apps/plain/a.yaml", `image: ${image("1.0.0")} # heimdall:pin\n`],
        ["apps/plain/b.yaml", `image: ${image("1.0.0")}\n`],
      ]),
      config,
    });
    expect(result.files.map((file) => file.path)).toEqual(["apps/plain/b.yaml"]);
    expect(result.images[0]).toMatchObject({
      outcome: "updated",
      skipped: [
        {
          file: "apps/plain/a.yaml",
          document: 0,
          path: "image",
          value: image("1.0.0"),
          why: "pinned",
          reason: "pinned by a # heimdall:pin comment",
        },
      ],
    });
  });
});
