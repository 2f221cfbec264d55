import { describe, expect, it } from "vitest";
import { ConfigNodeReader } from "../../lambda/core/config/config-node-reader.ts";
import { InvalidConfigError } from "../../lambda/core/config/invalid-config-error.ts";

function thrown(action: () => unknown): InvalidConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error("expected an InvalidConfigError");
}

describe("ConfigNodeReader", () => {
  it("reads every scalar as a string and reports lines 1-based", () => {
    const { reader, contents } = ConfigNodeReader.parse("c.yaml", "\n\nname: 46\nlist: [true, 1.5]\n");
    const entries = reader.map(contents, undefined, ["name", "list"]);
    const name = entries.get("name");
    const list = entries.get("list");
    if (name === undefined || list === undefined) throw new Error("entries missing");
    expect(reader.string(name, "name")).toBe("46");
    expect(reader.stringList(list, "list", (value, _node, key) => `${key}=${value}`)).toEqual([
      "list[0]=true",
      "list[1]=1.5",
    ]);
    expect(reader.lineOf(name.value)).toBe(3);
    expect(reader.lineOf(undefined)).toBeUndefined();
  });

  it("suggests the closest allowed key for a typo, case-insensitively", () => {
    const { reader, contents } = ConfigNodeReader.parse("c.yaml", "Repositry: a\n");
    const error = thrown(() => reader.map(contents, "targets[0]", ["repository", "paths"]));
    expect(error.message).toBe(
      "c.yaml:1: targets[0].Repositry: unknown key (did you mean 'repository'?); allowed keys are repository, paths",
    );
  });

  it("gives no suggestion when nothing is close", () => {
    const { reader, contents } = ConfigNodeReader.parse("c.yaml", "zzz: a\n");
    expect(thrown(() => reader.map(contents, undefined, ["version"])).message).toBe(
      "c.yaml:1: zzz: unknown key; allowed keys are version",
    );
  });

  it("locates a missing value on its key's line", () => {
    const { reader, contents } = ConfigNodeReader.parse("c.yaml", "a: 1\nlist:\n");
    const list = reader.map(contents, undefined, ["a", "list"]).get("list");
    if (list === undefined) throw new Error("entry missing");
    const error = thrown(() => reader.stringList(list, "list", (value) => value));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^c\.yaml:2: list: must be a list/);
  });

  it("turns the first YAML error into an InvalidConfigError with its line and the parser's cause", () => {
    const error = thrown(() => ConfigNodeReader.parse("c.yaml", "a: 1\nb: [\n  c: d\n"));
    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.key).toBeUndefined();
    expect(error.message).toMatch(/^c\.yaml:\d+: YAML syntax error: /);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("fails without a line when neither the node nor the caller knows one", () => {
    const { reader } = ConfigNodeReader.parse("c.yaml", "a: 1\n");
    const error = thrown(() => reader.fail(undefined, "a", "is wrong"));
    expect(error.message).toBe("c.yaml: a: is wrong");
    expect(error.line).toBeUndefined();
  });
});
