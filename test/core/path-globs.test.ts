import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePathGlobs, findPathGlobProblem } from "../../lambda/core/config/path-globs.ts";

describe("compilePathGlobs", () => {
  it("matches every .yaml/.yml file at any depth below a ** folder glob", () => {
    const globs = compilePathGlobs(["apps/snutt-dev/**"]);
    expect(globs.matches("apps/snutt-dev/deployment.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-dev/snutt-timetable/deployment.yml")).toBe(true);
    expect(globs.matches("apps/snutt-dev/a/b/c/values.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-dev-canary/deployment.yaml")).toBe(false);
    expect(globs.matches("apps/snutt-prod/deployment.yaml")).toBe(false);
    expect(globs.matches("other/apps/snutt-dev/deployment.yaml")).toBe(false);
  });

  it("never matches a file that is not .yaml/.yml, whatever the glob says", () => {
    const globs = compilePathGlobs(["apps/**", "**/*", "**/*.md"]);
    expect(globs.matches("apps/x/README.md")).toBe(false);
    expect(globs.matches("README.md")).toBe(false);
    expect(globs.matches("apps/x/kustomization.yaml.bak")).toBe(false);
    expect(globs.matches("apps/x/deployment.YAML")).toBe(false);
    expect(globs.matches("apps/x/kustomization.yaml")).toBe(true);
  });

  it("does not match a .yaml path that is itself a root (dir/** also matches dir)", () => {
    const globs = compilePathGlobs(["apps/weird.yaml/**"]);
    expect(globs.roots).toEqual(["apps/weird.yaml"]);
    expect(globs.matches("apps/weird.yaml")).toBe(false);
    expect(globs.matches("apps/weird.yaml/deployment.yaml")).toBe(true);
  });

  it("matches dot-files and dot-directories like any other (dot: true)", () => {
    const globs = compilePathGlobs(["apps/snutt-dev/**"]);
    expect(globs.matches("apps/snutt-dev/.hidden/deployment.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-dev/.deployment.yaml")).toBe(true);
  });

  it("keeps * within one path segment", () => {
    const globs = compilePathGlobs(["apps/*/deployment.yaml"]);
    expect(globs.matches("apps/snutt-dev/deployment.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-dev/x/deployment.yaml")).toBe(false);
  });

  it("excludes what a ! glob matches, even when an include glob matches it", () => {
    const globs = compilePathGlobs(["apps/snutt-dev/**", "!apps/snutt-dev/legacy/**"]);
    expect(globs.matches("apps/snutt-dev/api/deployment.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-dev/legacy/deployment.yaml")).toBe(false);
    expect(globs.roots).toEqual(["apps/snutt-dev"]);
  });

  it("supports braces and a literal file path", () => {
    const globs = compilePathGlobs(["apps/{snutt-dev,snutt-beta}/**", "infra/argocd/app.yaml"]);
    expect(globs.matches("apps/snutt-beta/x.yaml")).toBe(true);
    expect(globs.matches("apps/snutt-alpha/x.yaml")).toBe(false);
    expect(globs.matches("infra/argocd/app.yaml")).toBe(true);
    expect(globs.matches("infra/argocd/other.yaml")).toBe(false);
  });

  it("throws RangeError for a refused glob or when every glob is an exclude", () => {
    expect(() => compilePathGlobs(["../secrets/**"])).toThrow(RangeError);
    expect(() => compilePathGlobs(["!apps/legacy/**"])).toThrow(/include nothing/);
  });
});

describe("compilePathGlobs roots", () => {
  it.each([
    [["apps/snutt-dev/**"], ["apps/snutt-dev"]],
    [["**/*.yaml"], [""]],
    [["apps/snutt-dev/x/deployment.yaml"], ["apps/snutt-dev/x"]],
    [["deployment.yaml"], [""]],
    [["apps/snutt-*/**"], ["apps"]],
    [["apps/{a,b}/**"], ["apps"]],
    [["apps/snutt-dev/**", "apps/snutt-dev/x/**", "apps/**/*.yml"], ["apps"]],
    [
      ["apps/snutt-dev/**", "apps/snutt-dev-canary/**"],
      ["apps/snutt-dev", "apps/snutt-dev-canary"],
    ],
    [
      ["apps/b/**", "apps/a/**", "apps/b/**"],
      ["apps/a", "apps/b"],
    ],
    [["apps/**", "**/x.yaml"], [""]],
    [["apps/x\\*y/**"], ["apps/x*y"]],
  ])("%j → %j", (globs, roots) => {
    expect(compilePathGlobs(globs).roots).toEqual(roots);
  });

  it("returns minimal roots that cover every matched file", () => {
    const segment = fc.constantFrom("apps", "snutt-dev", "snutt-dev-canary", "x", "deploy.yaml", "*", "**");
    const glob = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
    const usable = glob.filter((g) => findPathGlobProblem(g) === undefined);
    const file = fc
      .array(fc.constantFrom("apps", "snutt-dev", "snutt-dev-canary", "x", "y"), { maxLength: 3 })
      .chain((dirs) => fc.constantFrom("deploy.yaml", "a.yml").map((name) => [...dirs, name].join("/")));
    fc.assert(
      fc.property(fc.array(usable, { minLength: 1, maxLength: 3 }), file, (globs, path) => {
        const compiled = compilePathGlobs(globs);
        for (const root of compiled.roots) {
          for (const other of compiled.roots) {
            if (root !== other) expect(other === "" || root.startsWith(`${other}/`)).toBe(false);
          }
        }
        if (compiled.matches(path)) {
          expect(compiled.roots.some((root) => root === "" || path.startsWith(`${root}/`))).toBe(true);
        }
      }),
      { seed: 20261122, numRuns: 500 },
    );
  });
});

describe("findPathGlobProblem", () => {
  it.each([
    ["apps/snutt-dev/**"],
    ["**/*.yaml"],
    ["!apps/snutt-dev/legacy/**"],
    ["apps/snutt-dev/deployment.yml"],
    ["apps/x\\*y/**"],
  ])("accepts %s", (glob) => {
    expect(findPathGlobProblem(glob)).toBeUndefined();
  });

  it.each([
    ["", /must not be empty/],
    ["!", /must not be empty/],
    ["/apps/**", /absolute paths are not allowed/],
    ["C:/apps/**", /absolute paths are not allowed/],
    ["apps/../secrets/**", /'\.\.' is not allowed/],
    ["..", /'\.\.' is not allowed/],
    ["./apps/**", /'\.' segments are not allowed/],
    ["apps//x/**", /empty path segments/],
    ["apps/x/", /empty path segments/],
    ["apps\\x\\**", /use '\/' as the path separator/],
    [
      "apps/snutt-dev",
      /names no \.yaml\/\.yml file; to match a whole directory write 'apps\/snutt-dev\/\*\*'/,
    ],
    ["apps/[ab/**", /invalid glob: .*Missing closing: "\]"/],
    ["apps/(a/**", /invalid glob/],
  ])("refuses %j", (glob, problem) => {
    expect(findPathGlobProblem(glob)).toMatch(problem);
  });
});
