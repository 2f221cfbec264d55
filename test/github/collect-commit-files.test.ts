import { describe, expect, it } from "vitest";
import {
  type CommitNode,
  collectCommitFiles,
  type EntryNode,
} from "../../lambda/github/collect-commit-files.ts";

const blob = (name: string, text: string | null, extra: Partial<EntryNode> = {}): EntryNode => ({
  name,
  type: "blob",
  mode: 0o100644,
  object: { oid: `${name}-oid`, text, isTruncated: false },
  ...extra,
});
const tree = (name: string, entries: EntryNode[] | undefined): EntryNode => ({
  name,
  type: "tree",
  mode: 0o040000,
  object: entries === undefined ? {} : { entries },
});

describe("collectCommitFiles", () => {
  it("keeps YAML blobs and skips symlinks, submodules, binaries and other files", () => {
    const commit: CommitNode = {
      oid: "c".repeat(40),
      r0: {
        type: "tree",
        mode: 0o040000,
        object: {
          entries: [
            blob("deployment.yaml", "kind: Deployment\n"),
            blob("service.yml", "kind: Service\n"),
            blob("link.yaml", "../other/deployment.yaml", { mode: 0o120000 }),
            blob("binary.yaml", null),
            blob("README.md", "# app\n"),
            { name: "vendored", type: "commit", mode: 0o160000, object: null },
            tree("nested", [blob("x.yaml", "x: 1\n")]),
            tree("deeper", undefined),
            blob("huge.yaml", "cut", { object: { oid: "huge-oid", text: "cut", isTruncated: true } }),
          ],
        },
      },
      r1: null,
      c0: null,
      c1: { type: "blob", mode: 0o100644, object: { oid: "cfg", text: "version: 1\n", isTruncated: false } },
    };

    const collected = collectCommitFiles(
      commit,
      ["apps/ns", "apps/missing"],
      [".heimdall.yaml", ".heimdall.yml"],
    );

    expect([...collected.files]).toEqual([
      ["apps/ns/deployment.yaml", "kind: Deployment\n"],
      ["apps/ns/service.yml", "kind: Service\n"],
      ["apps/ns/nested/x.yaml", "x: 1\n"],
    ]);
    expect(collected.deepTrees).toEqual(["apps/ns/deeper"]);
    expect(collected.truncated).toEqual([{ path: "apps/ns/huge.yaml", oid: "huge-oid", single: false }]);
    expect([...collected.singles]).toEqual([[".heimdall.yml", "version: 1\n"]]);
  });

  it("reads the whole tree from a commit tree for root ''", () => {
    const commit: CommitNode = {
      oid: "c".repeat(40),
      r0: { entries: [blob("a.yaml", "a\n"), tree("b", [blob("c.yml", "c\n")])] },
    };
    expect([...collectCommitFiles(commit, [""], []).files.keys()]).toEqual(["a.yaml", "b/c.yml"]);
  });
});
