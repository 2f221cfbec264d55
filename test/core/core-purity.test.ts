import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The design rule "pure core, IO at the edges", enforced: lambda/core may import only its own modules and
// pure libraries, and never touch the process environment.
const core = fileURLToPath(new URL("../../lambda/core/", import.meta.url));
const ALLOWED = new Set(["yaml", "picomatch"]);

describe("lambda/core", () => {
  const files = readdirSync(core).filter((name) => name.endsWith(".ts"));

  it.each(files)("%s imports no IO and reads no environment", (name) => {
    const source = readFileSync(join(core, name), "utf8");
    const imports = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"/gms)].map(
      (m) => m[1] ?? "",
    );
    const foreign = imports.filter((specifier) => !specifier.startsWith("./") && !ALLOWED.has(specifier));
    expect(foreign).toEqual([]);
    expect(source).not.toMatch(/\bprocess\.(env|argv|cwd|exit)|\brequire\(|\bimport\(/);
  });
});
