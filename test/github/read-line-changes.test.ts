import { describe, expect, it } from "vitest";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GITOPS_NAME, GITOPS_OWNER } from "../support/constants.ts";
import { isGraphql, useGitHubFixture } from "../support/github-fixture.ts";

const start = useGitHubFixture();

describe("createGitHubGitOps lastChanges (GraphQL blame)", () => {
  it("names the commit that last changed each line, as of the commit read, in one query per 20 files", async () => {
    const files: Record<string, string> = { "apps/a.yaml": "one: 1\ntwo: 2\nthree: 3\n" };
    for (let n = 0; n < 24; n++) files[`apps/f${n}.yaml`] = `n: ${n}\n`;
    const { emulator, octokit } = await start(files);
    const first = await emulator.head();
    const second = await emulator.pushCommit(
      { "apps/a.yaml": "one: 1\ntwo: 22\nthree: 3\n" },
      "Change two",
      undefined,
      new Date("2026-11-20T11:00:00Z"),
    );
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    await emulator.pushCommit(
      { "apps/a.yaml": "one: 1\ntwo: 222\nthree: 3\n" },
      "Later, not read",
      undefined,
      new Date(),
    );

    const before = emulator.requests.length;
    const lines = new Map<string, number[]>([["apps/a.yaml", [1, 2]]]);
    for (let n = 0; n < 24; n++) lines.set(`apps/f${n}.yaml`, [1]);
    const answer = await repository.lastChanges({ headOid: second, lines });

    expect(answer.get("apps/a.yaml")?.get(1)?.commit).toBe(first);
    expect(answer.get("apps/a.yaml")?.get(2)).toEqual({
      at: new Date("2026-11-20T11:00:00Z"),
      commit: second,
    });
    expect(answer.get("apps/f23.yaml")?.get(1)?.commit).toBe(first);
    expect(emulator.requests.slice(before).filter(isGraphql)).toHaveLength(2);
  });
});
