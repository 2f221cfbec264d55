import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../support/plan-deep-manifests.ts", import.meta.url));

describe("deeply nested manifests", () => {
  it("cost one warning each and never kill the process (a fatal V8 error cannot be caught in-process)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", script], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/FATAL ERROR/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(Array(40).fill("too-deep"));
  });
});
