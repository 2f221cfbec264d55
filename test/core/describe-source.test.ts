import { describe, expect, it } from "vitest";
import { describeSource } from "../../lambda/core/update/describe-source.ts";
import { provenanceFromLabels } from "../../lambda/core/update/provenance-from-labels.ts";

const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const COMMIT = `https://github.com/wafflestudio/snutt-timetable/commit/${SHA}`;

describe("describeSource", () => {
  it.each([
    "https://github.com/wafflestudio/snutt-timetable",
    "https://github.com/wafflestudio/snutt-timetable/",
    "https://github.com/wafflestudio/snutt-timetable.git",
    "https://github.com/wafflestudio/snutt-timetable/tree/main/api",
    "git+https://github.com/wafflestudio/snutt-timetable.git",
    "git://github.com/wafflestudio/snutt-timetable.git",
    "ssh://git@github.com/wafflestudio/snutt-timetable.git",
    "git@github.com:wafflestudio/snutt-timetable.git",
    "http://www.github.com/wafflestudio/snutt-timetable",
  ])("links the commit for the GitHub source %s", (source) => {
    expect(describeSource({ revision: SHA, source })).toEqual({
      text: COMMIT,
      commitUrl: COMMIT,
      source: "https://github.com/wafflestudio/snutt-timetable",
      revision: SHA,
    });
  });

  it("lowercases the SHA in the link and accepts an abbreviated one", () => {
    expect(describeSource({ revision: "9F8E7D6", source: "https://github.com/a/b" })?.commitUrl).toBe(
      "https://github.com/a/b/commit/9f8e7d6",
    );
  });

  it.each([
    [
      "another host",
      { revision: SHA, source: "https://gitlab.com/wafflestudio/snutt" },
      `https://gitlab.com/wafflestudio/snutt at ${SHA}`,
    ],
    [
      "a GitHub Enterprise host",
      { revision: SHA, source: "https://github.example.com/o/r" },
      `https://github.example.com/o/r at ${SHA}`,
    ],
    [
      "a revision that is not a commit",
      { revision: "v1.2.3", source: "https://github.com/o/r" },
      "https://github.com/o/r at v1.2.3",
    ],
    [
      "a GitHub URL without a repository",
      { revision: SHA, source: "https://github.com/wafflestudio" },
      `https://github.com/wafflestudio at ${SHA}`,
    ],
    ["no revision", { source: "https://github.com/o/r.git" }, "https://github.com/o/r (revision unknown)"],
    ["no source", { revision: SHA }, `revision ${SHA} (source unknown)`],
    ["a source that is no URL", { revision: "abc1234", source: "our monorepo" }, "our monorepo at abc1234"],
  ])("says honestly what it knows for %s, without a link", (_name, provenance, text) => {
    const described = describeSource(provenance);
    expect(described?.text).toBe(text);
    expect(described?.commitUrl).toBeUndefined();
  });

  it("has nothing to say without a revision or a source", () => {
    expect(describeSource({ created: "2026-11-20T09:58:12Z" })).toBeUndefined();
  });
});

describe("provenanceFromLabels", () => {
  it("picks the three OCI labels and ignores the rest", () => {
    expect(
      provenanceFromLabels({
        "org.opencontainers.image.revision": SHA,
        "org.opencontainers.image.source": "https://github.com/a/b",
        "org.opencontainers.image.created": "2026-11-20T09:58:12Z",
        "org.opencontainers.image.title": "b",
        maintainer: "x",
      }),
    ).toEqual({ revision: SHA, source: "https://github.com/a/b", created: "2026-11-20T09:58:12Z" });
  });

  it.each([null, undefined, "labels", ["org.opencontainers.image.revision"], 42])(
    "reads nothing from %s",
    (labels) => {
      expect(provenanceFromLabels(labels)).toEqual({});
    },
  );

  it("drops values that are not strings or are blank, and bounds the rest to one line of 256 characters", () => {
    const labels = provenanceFromLabels({
      "org.opencontainers.image.revision": 12345,
      "org.opencontainers.image.source": " \n\t ",
      "org.opencontainers.image.created": `\u001b[31m${"x".repeat(400)}\u202e`,
    });
    expect(labels.revision).toBeUndefined();
    expect(labels.source).toBeUndefined();
    expect(labels.created).toHaveLength(256);
    expect(labels.created).toMatch(/^\[31mx+…$/);
  });

  it("does not read labels from the prototype", () => {
    const labels = Object.create({ "org.opencontainers.image.revision": SHA }) as object;
    expect(provenanceFromLabels(labels)).toEqual({});
  });
});
