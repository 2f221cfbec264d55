import { describe, expect, it } from "vitest";
import { DeadlineExceededError } from "../../lambda/core/update/deadline-exceeded-error.ts";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GitHubApiError } from "../../lambda/github/github-api-error.ts";
import { GITOPS_NAME, GITOPS_OWNER } from "../support/constants.ts";
import {
  type GitHubFixture,
  isGraphql,
  isTokenRequest,
  useGitHubFixture,
} from "../support/github-fixture.ts";

const FILES = { "apps/snutt-dev/timetable/deployment.yaml": "image: x:1\n" };
const READ = { roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] } as const;

const start = useGitHubFixture();

function repoOf(f: GitHubFixture) {
  return createGitHubGitOps({ octokit: f.octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
}

describe("installation tokens", () => {
  it("drops a revoked token on a 401 and retries once with a new one, in the same invocation", async () => {
    // The token was issued ten minutes ago as far as heimdall can tell: a 401 now means revoked, not lag.
    const f = await start(FILES, { octokit: { now: () => Date.now() + 10 * 60_000 } });
    const repository = repoOf(f);
    await repository.read(READ);
    f.emulator.faults.expireTokens();
    const snapshot = await repository.read(READ);
    expect(snapshot.headOid).toBe(await f.emulator.head());
    expect(f.emulator.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      "apps/create-installation-access-token 201",
      "graphql query 200",
      "graphql query 401",
      "apps/create-installation-access-token 201",
      "graphql query 200",
    ]);
    expect(f.warnings).toEqual([expect.stringMatching(/refused the cached installation token \(401/)]);
  });

  it("requests a token on its own bounded budget: its retries do not nest in the request's", async () => {
    const f = await start(FILES, { octokit: { tokenRetry: { waitsMs: [1, 1] } } });
    f.emulator.faults.failNext(100, 502, isTokenRequest);
    const error = await repoOf(f)
      .read(READ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(true);
    expect((error as Error).message).toMatch(
      /requesting an installation token for wafflestudio\/gitops failed: 502/,
    );
    expect(f.emulator.requests.filter(isTokenRequest)).toHaveLength(3);
    expect(f.emulator.requests.filter(isGraphql)).toHaveLength(0);
  });
});

describe("the invocation's deadline", () => {
  it("makes no retry whose pause would end past the deadline", async () => {
    const f = await start(FILES, { octokit: { retry: { retries: 2, retryAfterBaseValue: 500 } } });
    await repoOf(f).read(READ); // the token first
    f.emulator.faults.failNext(10, 503, isGraphql);
    // Pauses 500 ms then 2 s: the first fits in 2 s, the second does not.
    const error = await repoOf(f)
      .read({ ...READ, deadline: Date.now() + 2000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/503/);
    expect(f.emulator.requests.filter(isGraphql).map((r) => r.status)).toEqual([200, 503, 503]);
  });

  it("waits out no rate limit past the deadline", async () => {
    const f = await start(FILES, { octokit: { throttle: { retryAfterBaseValue: 1000 } } });
    await repoOf(f).read(READ);
    f.emulator.faults.secondaryRateLimitNext(1, 7);
    const error = await repoOf(f)
      .read({ ...READ, deadline: Date.now() + 3000 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: true });
    expect(f.emulator.requests.filter(isGraphql).map((r) => r.status)).toEqual([200, 403]);
    expect(f.warnings).toEqual([
      expect.stringMatching(/giving up \(retry-after 7s, past the invocation's deadline/),
    ]);
  });

  it("cuts off a request still running at the deadline", async () => {
    const f = await start(FILES, { emulator: { latencyMs: 5000 } });
    const error = await repoOf(f)
      .read({ ...READ, deadline: Date.now() + 500 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(/deadline/);
  });
});
