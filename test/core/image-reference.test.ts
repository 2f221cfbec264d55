import { describe, expect, it } from "vitest";
import { formatImageReference, parseImageReference } from "../../lambda/core/edit/image-reference.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("parseImageReference", () => {
  it("splits an SEOUL_REGISTRY reference into registry, repository and tag", () => {
    expect(parseImageReference(`${SEOUL_REGISTRY}/snutt-dev/snutt-timetable:46`)).toEqual({
      registry: SEOUL_REGISTRY,
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "46",
      digest: undefined,
    });
  });

  it("reads tag and digest of a digest-pinned reference", () => {
    expect(parseImageReference(`${SEOUL_REGISTRY}/ns/app:1.4.0@${DIGEST}`)).toEqual({
      registry: SEOUL_REGISTRY,
      imageRepository: "ns/app",
      tag: "1.4.0",
      digest: DIGEST,
    });
    expect(parseImageReference(`${SEOUL_REGISTRY}/ns/app@${DIGEST}`)).toEqual({
      registry: SEOUL_REGISTRY,
      imageRepository: "ns/app",
      tag: undefined,
      digest: DIGEST,
    });
  });

  it("treats a port colon as part of the registry, not as a tag", () => {
    expect(parseImageReference("localhost:5000/ns/app")).toEqual({
      registry: "localhost:5000",
      imageRepository: "ns/app",
      tag: undefined,
      digest: undefined,
    });
    expect(parseImageReference("registry.local:5000/app:7")?.tag).toBe("7");
  });

  it("has no registry when the first component does not look like a host (Docker Hub)", () => {
    expect(parseImageReference("snutt-dev/snutt-timetable:46")).toEqual({
      registry: undefined,
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "46",
      digest: undefined,
    });
    expect(parseImageReference("nginx")?.imageRepository).toBe("nginx");
    expect(parseImageReference("localhost/app")?.registry).toBe("localhost");
  });

  it.each([
    ["empty", ""],
    ["a space", `${SEOUL_REGISTRY}/ns/app: 46`],
    ["a sentence", "run the app"],
    ["an uppercase repository", `${SEOUL_REGISTRY}/NS/app:1`],
    ["an empty tag", `${SEOUL_REGISTRY}/ns/app:`],
    ["a tag starting with a dot", `${SEOUL_REGISTRY}/ns/app:.1`],
    ["a short digest", `${SEOUL_REGISTRY}/ns/app@sha256:abc`],
    ["a URL with a scheme", "https://example.com/ns/app"],
    ["a trailing slash", `${SEOUL_REGISTRY}/ns/`],
    ["a double slash", `${SEOUL_REGISTRY}//app`],
    ["a bad host", "-bad-.example/app"],
  ])("rejects %s", (_label, value) => {
    expect(parseImageReference(value)).toBeUndefined();
  });

  it("accepts the separators Docker allows inside a path component", () => {
    expect(parseImageReference("ghcr.io/a_b/c__d/e---f/g.h:v1_2-3.4")).toEqual({
      registry: "ghcr.io",
      imageRepository: "a_b/c__d/e---f/g.h",
      tag: "v1_2-3.4",
      digest: undefined,
    });
  });

  it("rejects a 129-character tag and accepts a 128-character one", () => {
    expect(parseImageReference(`ghcr.io/app:${"a".repeat(128)}`)?.tag).toHaveLength(128);
    expect(parseImageReference(`ghcr.io/app:${"a".repeat(129)}`)).toBeUndefined();
  });
});

describe("formatImageReference", () => {
  it.each([
    `${SEOUL_REGISTRY}/snutt-dev/snutt-timetable:46`,
    `${SEOUL_REGISTRY}/ns/app:1.4.0@${DIGEST}`,
    `${SEOUL_REGISTRY}/ns/app@${DIGEST}`,
    "localhost:5000/ns/app",
    "nginx:1.27",
  ])("round-trips %s", (value) => {
    const ref = parseImageReference(value);
    expect(ref).toBeDefined();
    if (ref !== undefined) expect(formatImageReference(ref)).toBe(value);
  });

  it("writes parts in order registry/repository:tag@digest", () => {
    expect(formatImageReference({ registry: "r.io", imageRepository: "a/b", tag: "2", digest: DIGEST })).toBe(
      `r.io/a/b:2@${DIGEST}`,
    );
  });
});
