import { describe, expect, it } from "vitest";
import type { CatalogImage } from "../../lambda/core/reconcile/image-catalog.ts";
import { judgeLastChange, judgeManifestImage } from "../../lambda/core/reconcile/judge-manifest-image.ts";

const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const image = (n: number, tags: string[], at: string): CatalogImage => ({
  digest: digest(n),
  tags,
  pushedAt: new Date(`2026-11-20T${at}Z`),
});
const tag = (value: string) => ({ tag: value, digest: undefined });
const numeric = (value: string) => /^\d+$/.test(value);
const all = () => true;
const catalog = (...images: CatalogImage[]) => ({ kind: "images" as const, images });

describe("judgeManifestImage", () => {
  const history = catalog(
    image(1, ["46"], "09:00:00"),
    image(2, ["47"], "10:00:00"),
    image(3, ["48"], "10:05:00"),
  );

  it("is current when the reference runs the newest accepted image", () => {
    expect(judgeManifestImage([tag("48")], history, all)).toEqual({ kind: "current", tag: "48" });
  });

  it("finds the newest accepted image newer than the deployed one", () => {
    expect(judgeManifestImage([tag("47")], history, all)).toEqual({
      kind: "drifted",
      image: image(3, ["48"], "10:05:00"),
      tag: "48",
      deployedTag: "47",
      deployedPushedAt: new Date("2026-11-20T10:00:00Z"),
    });
  });

  it("orders by push time, not by tag", () => {
    const pushed = catalog(image(1, ["100"], "10:00:00"), image(2, ["99"], "10:05:00"));
    expect(judgeManifestImage([tag("100")], pushed, all)).toMatchObject({ kind: "drifted", tag: "99" });
  });

  it("skips images the tags filter refuses", () => {
    const pushed = catalog(image(1, ["47"], "10:00:00"), image(2, ["nightly"], "10:05:00"));
    expect(judgeManifestImage([tag("47")], pushed, numeric)).toEqual({ kind: "current", tag: "47" });
  });

  it("never guesses between several accepted tags, unless one is the manifest's", () => {
    const pushed = catalog(image(1, ["47"], "10:00:00"), image(2, ["latest", "48"], "10:05:00"));
    expect(judgeManifestImage([tag("47")], pushed, all)).toMatchObject({
      kind: "left",
      warning: "several-tags",
      reason: "several tags on the newest image: 48, latest — narrow tags",
    });
    expect(judgeManifestImage([tag("latest")], pushed, all)).toEqual({ kind: "current", tag: "latest" });
    expect(judgeManifestImage([tag("47")], pushed, numeric)).toMatchObject({ kind: "drifted", tag: "48" });
  });

  it("follows a moved mutable tag where the reference pins a digest", () => {
    const pushed = catalog(image(1, [], "10:00:00"), image(2, ["latest"], "10:05:00"));
    expect(judgeManifestImage([{ tag: "latest", digest: digest(1) }], pushed, all)).toMatchObject({
      kind: "drifted",
      tag: "latest",
      deployedTag: "latest",
    });
    expect(judgeManifestImage([{ tag: "latest", digest: digest(2) }], pushed, all)).toMatchObject({
      kind: "current",
    });
  });

  it("leaves a deployed tag pushed after the newest accepted one", () => {
    const pushed = catalog(image(1, ["47"], "10:00:00"), image(2, ["hotfix"], "10:05:00"));
    expect(judgeManifestImage([tag("hotfix")], pushed, numeric)).toMatchObject({
      kind: "left",
      reason: "hotfix was pushed at 2026-11-20T10:05:00.000Z, not before 47 (2026-11-20T10:00:00.000Z)",
    });
  });

  it("under order: semver ranks by version, and never calls a lower or equal version newer", () => {
    const semver = (value: string) => /^v?\d+\.\d+\.\d+/.test(value);
    const pushed = catalog(image(1, ["1.3.0"], "10:00:00"), image(2, ["1.2.6"], "10:05:00"));
    expect(judgeManifestImage([tag("1.2.5")], pushed, semver, "semver")).toMatchObject({
      kind: "drifted",
      tag: "1.3.0",
    });
    expect(judgeManifestImage([tag("1.2.5")], pushed, semver)).toMatchObject({
      kind: "drifted",
      tag: "1.2.6",
    });
    expect(judgeManifestImage([tag("v1.4.0")], pushed, semver, "semver")).toMatchObject({
      kind: "left",
      reason: "version 1.4.0 is deployed, not lower than 1.3.0 (1.3.0)",
    });
  });

  it("still judges a deployed tag ECR no longer knows", () => {
    expect(judgeManifestImage([tag("12")], history, all)).toEqual({
      kind: "drifted",
      image: image(3, ["48"], "10:05:00"),
      tag: "48",
      deployedTag: "12",
    });
  });

  it("leaves with a reason when ECR cannot answer or nothing passes the filter", () => {
    expect(judgeManifestImage([tag("47")], { kind: "unknown", reason: "AccessDenied" }, all)).toMatchObject({
      kind: "left",
      warning: "ecr-unanswered",
    });
    expect(judgeManifestImage([tag("47")], catalog(image(1, ["x"], "10:00:00")), numeric)).toMatchObject({
      kind: "left",
      reason: "no tagged image in ECR passes the target's tags filter",
    });
  });
});

describe("judgeLastChange", () => {
  const drifted = {
    kind: "drifted" as const,
    image: image(3, ["48"], "10:05:00.400"),
    tag: "48",
    deployedTag: "47",
  };
  const change = (at: string) => ({ at: new Date(`2026-11-20T${at}Z`), commit: "4f1c2ab9".padEnd(40, "0") });

  it("counts a push after the last change as missed", () => {
    expect(judgeLastChange(drifted, change("10:04:59"))).toEqual({
      missed: true,
      reason:
        "48 was pushed at 2026-11-20T10:05:00.400Z, after 47 (no longer in ECR) and after the reference changed at 2026-11-20T10:04:59.000Z (commit 4f1c2ab)",
    });
  });

  it("leaves a change after the push, and a change in the same second", () => {
    expect(judgeLastChange(drifted, change("10:30:00"))).toMatchObject({ missed: false });
    expect(judgeLastChange(drifted, change("10:05:00"))).toEqual({
      missed: false,
      reason:
        "the reference changed at 2026-11-20T10:05:00.000Z (commit 4f1c2ab), after 48 was pushed at 2026-11-20T10:05:00.400Z: a rollback or pin is a decision, not drift",
    });
  });
});
