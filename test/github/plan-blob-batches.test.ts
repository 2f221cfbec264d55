import { describe, expect, it } from "vitest";
import { planBlobBatches } from "../../lambda/github/plan-blob-batches.ts";

const LIMITS = { maxBlobs: 3, maxBytes: 100, maxGraphqlBlobBytes: 500 };

describe("planBlobBatches", () => {
  it("cuts batches at the blob count and at the byte budget, reads a shared oid once, sends the too-large to REST", () => {
    const blobs = [
      { path: "a.yaml", oid: "a", byteSize: 10 },
      { path: "b.yaml", oid: "b", byteSize: 10 },
      { path: "b-copy.yaml", oid: "b", byteSize: 10 },
      { path: "c.yaml", oid: "c", byteSize: 10 },
      { path: "d.yaml", oid: "d", byteSize: 10 },
      { path: "e.yaml", oid: "e", byteSize: 95 },
      { path: "f.yaml", oid: "f", byteSize: 200 },
      { path: "g.yaml", oid: "g", byteSize: 600 },
    ];
    expect(planBlobBatches(blobs, LIMITS)).toEqual({
      batches: [["a", "b", "c"], ["d"], ["e"], ["f"]],
      rest: ["g"],
    });
  });

  it("plans nothing for nothing", () => {
    expect(planBlobBatches([], LIMITS)).toEqual({ batches: [], rest: [] });
  });
});
