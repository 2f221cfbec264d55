import { describe, expect, it } from "vitest";
import { formatSlackLine } from "../../lambda/runtime/format-slack-line.ts";

const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const GITOPS_COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
const base = {
  gitopsRepo: "wafflestudio/snutt-gitops",
  imageRepository: "snutt-dev/snutt-timetable",
  tag: "46",
};

describe("formatSlackLine", () => {
  it("says what was deployed, from which tag, with links to the commit and the source commit", () => {
    expect(
      formatSlackLine({
        ...base,
        outcome: "updated",
        previousTags: ["45"],
        commitSha: GITOPS_COMMIT,
        commitUrl: `https://github.com/wafflestudio/snutt-gitops/commit/${GITOPS_COMMIT}`,
        sourceRevision: SHA,
        sourceRepository: "https://github.com/wafflestudio/snutt-timetable",
        sourceCommitUrl: `https://github.com/wafflestudio/snutt-timetable/commit/${SHA}`,
      }),
    ).toBe(
      ":white_check_mark: *snutt-dev/snutt-timetable* 45 → 46 deployed to wafflestudio/snutt-gitops" +
        ` · <https://github.com/wafflestudio/snutt-gitops/commit/${GITOPS_COMMIT}|commit 1a2b3c4>` +
        ` · <https://github.com/wafflestudio/snutt-timetable/commit/${SHA}|source 9f8e7d6>`,
    );
  });

  it("links the pull request of a proposed update", () => {
    expect(
      formatSlackLine({
        ...base,
        outcome: "proposed",
        previousTags: ["45"],
        pullRequestUrl: "https://github.com/wafflestudio/snutt-gitops/pull/12",
      }),
    ).toBe(
      ":memo: *snutt-dev/snutt-timetable* 45 → 46 proposed in wafflestudio/snutt-gitops" +
        " · <https://github.com/wafflestudio/snutt-gitops/pull/12|pull request #12>",
    );
  });

  it.each([
    ["failed", ":x: *snutt-dev/snutt-timetable*:46 failed in wafflestudio/snutt-gitops: GitHub answered 403"],
    [
      "blocked",
      ":no_entry: *snutt-dev/snutt-timetable*:46 blocked in wafflestudio/snutt-gitops: GitHub answered 403",
    ],
    [
      "repaired",
      ":wrench: *snutt-dev/snutt-timetable*:46 repaired in wafflestudio/snutt-gitops: GitHub answered 403",
    ],
  ])("gives the reason of a %s event", (outcome, line) => {
    expect(formatSlackLine({ ...base, outcome, reason: "GitHub answered 403" })).toBe(line);
  });

  it("says what the labels say when there is no source commit link", () => {
    expect(
      formatSlackLine({
        ...base,
        outcome: "updated",
        sourceRevision: "v1.2.3",
        sourceRepository: "https://gitlab.example.com/a/b",
      }),
    ).toBe(
      ":white_check_mark: *snutt-dev/snutt-timetable*:46 deployed to wafflestudio/snutt-gitops · source https://gitlab.example.com/a/b at v1.2.3",
    );
  });

  it.each(["no-change", "stale", "ignored", "invalid", "paused", undefined, 42])(
    "posts nothing for outcome %s",
    (outcome) => {
      expect(formatSlackLine({ ...base, outcome })).toBeUndefined();
    },
  );

  it.each([null, "updated", 7, []])("posts nothing for a detail that is %j", (detail) => {
    expect(formatSlackLine(detail)).toBeUndefined();
  });

  it("escapes Slack's control characters and never links a URL that could break out of the link", () => {
    const line = formatSlackLine({
      outcome: "failed",
      gitopsRepo: "o/r",
      imageRepository: "a",
      tag: "1",
      reason: "<!channel> & <https://evil.example|click>\nmore",
      commitUrl: "https://github.com/o/r/commit/x|<!here>",
    });
    expect(line).toBe(
      ":x: *a*:1 failed in o/r: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; more · commit",
    );
  });

  it("cuts long values to 300 characters", () => {
    const line = formatSlackLine({ ...base, outcome: "failed", reason: "x".repeat(5000) }) ?? "";
    expect(line.length).toBeLessThan(400);
    expect(line).toMatch(/x…$/);
  });
});
