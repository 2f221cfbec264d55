import { afterEach, describe, expect, it } from "vitest";
import { StaleHeadError } from "../../lambda/core/update/stale-head-error.ts";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GitHubApiError } from "../../lambda/github/github-api-error.ts";
import { toGitHubApiError } from "../../lambda/github/to-github-api-error.ts";
import { GITOPS_NAME, GITOPS_OWNER } from "../support/constants.ts";
import { type GitHubFixture, isGraphql, startGitHub } from "../support/github-fixture.ts";

const FILES = { "apps/ns/a/d.yaml": "image: x:1\n" };
const CONTEXT = { action: "committing to wafflestudio/gitops@main", repository: "wafflestudio/gitops" };

let fixture: GitHubFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/**
 * The emulator answers everything except the commit mutation, which gets `answer` — the bodies below
 * are what GitHub sends in those situations.
 */
async function commitAnswered(answer: { status: number; body: unknown; headers?: Record<string, string> }) {
  const replacing: typeof fetch = async (input, init) => {
    if (typeof init?.body === "string" && init.body.includes("createCommitOnBranch")) {
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { "content-type": "application/json; charset=utf-8", ...answer.headers },
      });
    }
    return fetch(input, init);
  };
  fixture = await startGitHub(FILES, { octokit: { request: { fetch: replacing } } });
  const repository = createGitHubGitOps({ octokit: fixture.octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
  const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
  return repository
    .commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

describe("GitHub failures as heimdall errors", () => {
  it("tells to grant Contents: read & write when the App lacks the permission (GraphQL FORBIDDEN)", async () => {
    const error = await commitAnswered({
      status: 200,
      body: {
        data: { createCommitOnBranch: null },
        errors: [
          {
            type: "FORBIDDEN",
            path: ["createCommitOnBranch"],
            message: "Resource not accessible by integration",
          },
        ],
      },
    });
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toBe(
      'committing to wafflestudio/gitops@main failed: Resource not accessible by integration — grant the GitHub App "Contents: read & write" on wafflestudio/gitops and accept the new permissions in the installation',
    );
  });

  it("tells to grant the permission for the REST form of the same refusal (HTTP 403)", async () => {
    const error = await commitAnswered({
      status: 403,
      body: {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/graphql",
        status: "403",
      },
    });
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toMatch(
      /403 Resource not accessible by integration.*Contents: read & write/,
    );
  });

  it("explains a branch protected by rules", async () => {
    const error = await commitAnswered({
      status: 200,
      body: {
        data: { createCommitOnBranch: null },
        errors: [
          {
            type: "UNPROCESSABLE",
            path: ["createCommitOnBranch"],
            message: "Repository rule violations found\n\nChanges must be made through a pull request.\n\n",
          },
        ],
      },
    });
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toMatch(
      /protected against direct commits: add the GitHub App to the ruleset's bypass list/,
    );
  });

  it("maps GitHub's stale-head answer to StaleHeadError", async () => {
    const error = await commitAnswered({
      status: 200,
      body: {
        data: { createCommitOnBranch: null },
        errors: [
          {
            type: "STALE_DATA",
            path: ["createCommitOnBranch"],
            message:
              'Expected branch to point to "0000000000000000000000000000000000000000" but it did not. Pull and try again.',
          },
        ],
      },
    });
    expect(error).toBeInstanceOf(StaleHeadError);
  });

  it("fails transiently on an exhausted primary rate limit whose reset is too far away to wait for", async () => {
    const reset = Math.floor(Date.now() / 1000) + 1800;
    const error = await commitAnswered({
      status: 403,
      body: { message: "API rate limit exceeded for installation ID 777.", status: "403" },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    });
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ transient: true });
    expect((error as Error).message).toMatch(/rate limit/);
    expect(fixture?.warnings).toEqual([expect.stringMatching(/primary rate limit .* giving up/)]);
    expect(fixture?.emulator.requests.filter(isGraphql)).toHaveLength(1); // the read; the commit never got there
  });

  it("leaves heimdall's own errors and programming errors alone", () => {
    const stale = new StaleHeadError("moved", "abc");
    const bug = new TypeError("x is undefined");
    expect(toGitHubApiError(stale, CONTEXT)).toBe(stale);
    expect(toGitHubApiError(bug, CONTEXT)).toBe(bug);
  });
});
