import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The design rule "pure core, IO at the edges", enforced: lambda/core may import only its own modules and
// pure libraries, and never touch the process environment. Subfolders are walked, so a new stage folder is
// checked the day it appears.
const core = fileURLToPath(new URL("../../lambda/core/", import.meta.url));
const ALLOWED = new Set(["yaml", "picomatch", "re2js", "semver"]);

const files = readdirSync(core, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .sort();

describe("lambda/core", () => {
  it("is grouped by stage, behind one index", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain("index.ts");
    for (const stage of ["event", "config", "edit", "update"]) {
      expect(files.some((name) => name.startsWith(`${stage}/`))).toBe(true);
    }
  });

  it.each(files)("%s imports no IO and reads no environment", (name) => {
    const source = readFileSync(join(core, name), "utf8");
    const imports = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"/gms)].map(
      (m) => m[1] ?? "",
    );
    const foreign = imports.filter((specifier) => {
      if (!specifier.startsWith(".")) return !ALLOWED.has(specifier);
      // A relative import must stay inside lambda/core.
      return relative(core, resolve(join(core, name, ".."), specifier)).startsWith("..");
    });
    expect(foreign).toEqual([]);
    expect(source).not.toMatch(/\bprocess\.(env|argv|cwd|exit)|\brequire\(|\bimport\(/);
  });
});
