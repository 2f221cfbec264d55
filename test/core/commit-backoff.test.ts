import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMMIT_BACKOFF_BASE_MS,
  COMMIT_BACKOFF_CAP_MS,
  nextCommitBackoff,
} from "../../lambda/core/update/commit-backoff.ts";

describe("nextCommitBackoff (decorrelated jitter)", () => {
  it("stays between the base and three times the last pause, never above the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (previous, r) => {
          const pause = nextCommitBackoff(previous, () => r);
          expect(pause).toBeGreaterThanOrEqual(Math.min(COMMIT_BACKOFF_BASE_MS, COMMIT_BACKOFF_CAP_MS));
          expect(pause).toBeLessThanOrEqual(
            Math.min(COMMIT_BACKOFF_CAP_MS, Math.max(COMMIT_BACKOFF_BASE_MS, previous * 3)),
          );
        },
      ),
    );
  });

  it("spreads two writers that collided: their next pauses depend on their own draws", () => {
    const a = nextCommitBackoff(COMMIT_BACKOFF_BASE_MS, () => 0.1);
    const b = nextCommitBackoff(COMMIT_BACKOFF_BASE_MS, () => 0.9);
    expect(a).toBe(120);
    expect(b).toBe(280);
    expect(nextCommitBackoff(b, () => 0.9)).toBe(766);
  });
});
