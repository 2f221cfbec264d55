import { describe, expect, it } from "vitest";
import { newestPushPerRepository } from "../../lambda/core/update/newest-push-per-repository.ts";
import { ecrPush as push } from "../support/ecr-push.ts";

describe("newestPushPerRepository", () => {
  it("keeps the newest push per repository, in first-seen order", () => {
    const a45 = push("ns/a", "45", "2026-11-20T10:00:00Z");
    const b3 = push("ns/b", "3", "2026-11-20T10:00:01Z");
    const a46 = push("ns/a", "46", "2026-11-20T10:00:02Z");
    expect(newestPushPerRepository([a45, b3, a46])).toEqual([a46, b3]);
  });

  it("lets an older event arriving later lose", () => {
    const a46 = push("ns/a", "46", "2026-11-20T10:00:02Z");
    const a45 = push("ns/a", "45", "2026-11-20T10:00:00Z");
    expect(newestPushPerRepository([a46, a45])).toEqual([a46]);
  });

  it("collapses duplicates", () => {
    const a = push("ns/a", "46", "2026-11-20T10:00:00Z");
    expect(newestPushPerRepository([a, { ...a }])).toHaveLength(1);
  });

  it("lets only pushes that apply compete, keeping the others to be reported", () => {
    const a46 = push("ns/a", "46", "2026-11-20T10:00:00Z");
    const aLatest = push("ns/a", "latest", "2026-11-20T10:00:01Z");
    const b3 = push("ns/b", "3", "2026-11-20T10:00:02Z");
    const numeric = (candidate: { tag: string }) => /^\d+$/.test(candidate.tag);
    expect(newestPushPerRepository([a46, aLatest, b3], numeric)).toEqual([a46, aLatest, b3]);
    expect(newestPushPerRepository([a46, aLatest, b3])).toEqual([aLatest, b3]);
  });
});
