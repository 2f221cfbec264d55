import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../lambda/core/config/heimdall-config.ts";
import { DEFAULT_MAX_FILE_BYTES, planUpdate } from "../../lambda/core/update/plan-update.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { IMG } from "../support/image-edit.ts";

const DIR = "apps/snutt-dev/snutt-timetable";
const PUSH = push("snutt-dev/snutt-timetable", "46");

function plan(files: Record<string, string>, maxFileBytes?: number) {
  return planUpdate({
    pushes: [PUSH],
    files: new Map(Object.entries(files)),
    config: DEFAULT_CONFIG,
    maxFileBytes,
  });
}

describe("planUpdate: files it will not edit", () => {
  it("skips a manifest over the size limit before parsing it, and still edits the others", () => {
    const big = `image: ${IMG}:45\n# ${"x".repeat(2000)}\n`;
    const small = `image: ${IMG}:45\n`;
    const result = plan({ [`${DIR}/big.yaml`]: big, [`${DIR}/small.yaml`]: small }, 1000);
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
    expect(plan({ [`${DIR}/a.yaml`]: text }, text.length + 10).warnings.map((w) => w.code)).toEqual([
      "too-large",
    ]);
  });

  it("says nothing about a large file that does not mention the image", () => {
    const result = plan({ [`${DIR}/crds.yaml`]: `a: ${"x".repeat(5000)}\n` }, 1000);
    expect(result.warnings).toEqual([]);
  });

  it("defaults to 1 MiB", () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(1_048_576);
    const justOver = `image: ${IMG}:45\n#${"x".repeat(DEFAULT_MAX_FILE_BYTES)}\n`;
    const result = plan({ [`${DIR}/a.yaml`]: justOver, [`${DIR}/b.yaml`]: `image: ${IMG}:45\n` });
    expect(result.warnings.map((w) => [w.code, w.file])).toEqual([["too-large", `${DIR}/a.yaml`]]);
    expect(result.files.map((file) => file.path)).toEqual([`${DIR}/b.yaml`]);
  });

  it("warns with a code of its own for too deep and for YAML it cannot edit exactly", () => {
    const result = plan({
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
