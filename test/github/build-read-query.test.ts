import { readFileSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { buildReadQuery, type ReadQueryOptions } from "../../lambda/github/build-read-query.ts";

// GitHub's published schema; the emulator validates against it too, this pins it without a server.
const schema = buildSchema(
  readFileSync(new URL("../../node_modules/@octokit/graphql-schema/schema.graphql", import.meta.url), "utf8"),
  { assumeValidSDL: true },
);

function errorsOf(options: ReadQueryOptions): string[] {
  return validate(schema, parse(buildReadQuery(options).query)).map((error) => error.message);
}

const base = { owner: "wafflestudio", repo: "gitops", depth: 4 } as const;

describe("buildReadQuery", () => {
  it("builds a schema-valid query for every target and root mix", () => {
    const targets = [
      { kind: "branch", branch: "main" },
      { kind: "default-branch" },
      { kind: "commit", oid: "a".repeat(40) },
    ] as const;
    for (const target of targets) {
      expect(errorsOf({ ...base, target, roots: ["apps/snutt-dev"], files: [".heimdall.yaml"] })).toEqual([]);
      expect(errorsOf({ ...base, target, roots: [""], files: [] })).toEqual([]);
      expect(errorsOf({ ...base, target, roots: ["", "apps/a"], files: ["x.yaml", "y.yml"] })).toEqual([]);
      expect(errorsOf({ ...base, target, roots: [], files: [".heimdall.yaml"] })).toEqual([]);
      expect(errorsOf({ ...base, target, roots: [], files: [] })).toEqual([]);
    }
  });

  it("passes paths as variables, so quotes and braces in a path cannot change the query", () => {
    const evil = 'apps/x") { oid } y: file(path: "z';
    const request = buildReadQuery({
      ...base,
      target: { kind: "branch", branch: "main" },
      roots: [evil],
      files: [],
    });
    expect(request.query).not.toContain(evil);
    expect(request.variables).toMatchObject({
      r0: evil,
      qualifiedName: "refs/heads/main",
      owner: "wafflestudio",
    });
    expect(validate(schema, parse(request.query))).toEqual([]);
  });

  it("expands exactly `depth` tree levels", () => {
    const { query } = buildReadQuery({
      ...base,
      depth: 2,
      target: { kind: "default-branch" },
      roots: ["a"],
      files: [],
    });
    expect(query).toContain("fragment T0 on Tree");
    expect(query).toContain("fragment T1 on Tree");
    expect(query).not.toContain("T2");
  });

  it("refuses a depth that could not read anything", () => {
    expect(() =>
      buildReadQuery({ ...base, depth: 0, target: { kind: "default-branch" }, roots: [], files: [] }),
    ).toThrow(RangeError);
  });
});
