import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../lambda/cli/heimdall.ts";
import { runGit } from "../lambda/local/run-git.ts";
import { commitCount, createTempGitRepo, isClean, readTree, removeDir } from "./support/temp-git-repo.ts";

/**
 * Golden fixtures: `fixtures/<case>/{event.json, before/, after/, expect.json?}` (no `after/`: nothing changes). Each case runs the real CLI
 * (and so the real use case and local git adapter) on a temp git repo made from `before/`, then compares the
 * whole tree with `after/` byte for byte.
 */
const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const cases = readdirSync(fixtures).filter((name) => existsSync(join(fixtures, name, "event.json")));

interface Expect {
  outcome?: "updated" | "no-change" | "proposed";
  branches?: Record<string, string>;
  warnings?: string[];
  /** Lines the CLI output must contain (outcomes, reasons, skipped references). */
  output?: string[];
  error?: string;
  commitMessage?: string;
}

const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

describe("golden fixtures", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)("%s", async (name) => {
    const dir = join(fixtures, name);
    const expected: Expect = existsSync(join(dir, "expect.json"))
      ? JSON.parse(readFileSync(join(dir, "expect.json"), "utf8"))
      : {};
    const repo = await createTempGitRepo(join(dir, "before"));
    repos.push(repo);
    const commitsBefore = await commitCount(repo);
    let stdout = "";
    let stderr = "";
    const status = await main(["apply", "--event", join(dir, "event.json"), "--repo", repo], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });

    const afterDir = existsSync(join(dir, "after")) ? join(dir, "after") : join(dir, "before");
    const actual = await readTree(repo);
    const wanted = await readTree(afterDir);
    expect([...actual.keys()].sort()).toEqual([...wanted.keys()].sort());
    for (const [path, bytes] of wanted) {
      expect(actual.get(path)?.toString("latin1"), path).toBe(bytes.toString("latin1"));
    }
    expect(await isClean(repo)).toBe(true);

    if (expected.error !== undefined) {
      expect(status).toBe(2);
      expect(stderr).toContain(expected.error);
      expect(await commitCount(repo)).toBe(commitsBefore);
      return;
    }
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const treeChanged = [...wanted].some(
      ([path, bytes]) => !readFileSync(join(dir, "before", path)).equals(bytes),
    );
    const outcome = expected.outcome ?? (treeChanged ? "updated" : "no-change");
    expect(treeChanged).toBe(outcome === "updated");
    expect(await commitCount(repo)).toBe(commitsBefore + (outcome === "updated" ? 1 : 0));
    if (outcome === "updated") {
      const event = JSON.parse(readFileSync(join(dir, "event.json"), "utf8"));
      const message = (await runGit(repo, ["log", "-1", "--format=%s"])).trim();
      expect(message).toBe(
        expected.commitMessage ??
          `Automated commit by ECR push (${event.detail["repository-name"]}:${event.detail["image-tag"]})`,
      );
    }
    for (const warning of expected.warnings ?? []) expect(stdout).toContain(warning);
    for (const line of expected.output ?? []) expect(stdout.split("\n")).toContain(line);
  });
});
