import { describe, expect, it } from "vitest";
import {
  GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS,
  GITHUB_RETRY_UNIT_MS,
  GITHUB_SERVER_ERROR_RETRIES,
  githubWorstCaseWaitMs,
} from "../../lambda/github/github-retry-policy.ts";
import { FUNCTION_TIMEOUT_SECONDS } from "../../lambda/runtime/function-timeout.ts";

describe("GitHub retry policy", () => {
  it("waits 1 s and 4 s on server errors and at most 20 s on one rate limit per request", () => {
    const waits = Array.from(
      { length: GITHUB_SERVER_ERROR_RETRIES },
      (_, i) => GITHUB_RETRY_UNIT_MS * (i + 1) ** 2,
    );
    expect(waits).toEqual([1000, 4000]);
    expect(GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS).toBe(20);
    expect(githubWorstCaseWaitMs()).toBe(25_000);
  });

  it("lets a read and a commit each wait their worst case inside the function timeout, with room to work", () => {
    const budgetMs = FUNCTION_TIMEOUT_SECONDS * 1000;
    expect(2 * githubWorstCaseWaitMs()).toBeLessThanOrEqual(budgetMs - 5_000);
  });
});
