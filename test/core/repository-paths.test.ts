import { describe, expect, it } from "vitest";
import { isUnderRoot } from "../../lambda/core/config/is-under-root.ts";
import { isYamlFile } from "../../lambda/core/config/is-yaml-file.ts";
import { minimalRoots } from "../../lambda/core/config/minimal-roots.ts";

describe("isUnderRoot", () => {
  it.each([
    ["apps/a/x.yaml", "apps/a", true],
    ["apps/a", "apps/a", false],
    ["", "", false],
    ["apps/a/b/c/d.yaml", "apps", true],
    ["x.yaml", "", true],
    ["apps/ab/x.yaml", "apps/a", false],
    ["apps", "apps/a", false],
    ["other/apps/a/x.yaml", "apps/a", false],
  ] as const)("%s under %j: %s", (path, root, expected) => {
    expect(isUnderRoot(path, root)).toBe(expected);
  });
});

describe("minimalRoots", () => {
  it("keeps only roots no other root contains, deduplicated and sorted", () => {
    expect(minimalRoots(["apps/b", "apps/a/x", "apps/a", "apps/a", "apps/ab"])).toEqual([
      "apps/a",
      "apps/ab",
      "apps/b",
    ]);
  });

  it("lets the whole tree swallow everything", () => {
    expect(minimalRoots(["apps/a", "", "infra"])).toEqual([""]);
    expect(minimalRoots([])).toEqual([]);
  });
});

describe("isYamlFile", () => {
  it.each([
    ["apps/a/deployment.yaml", true],
    ["values.yml", true],
    [".heimdall.yaml", true],
    ["apps/a/README.md", false],
    ["apps/a/deployment.yaml.bak", false],
    ["apps/a/deployment.YAML", false],
    ["apps/yaml", false],
  ] as const)("%s: %s", (path, expected) => {
    expect(isYamlFile(path)).toBe(expected);
  });
});
