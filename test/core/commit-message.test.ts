import { describe, expect, it } from "vitest";
import { DEFAULT_COMMIT_MESSAGE } from "../../lambda/core/config/heimdall-config.ts";
import type { ChangedField, ManifestChange, TagAndDigest } from "../../lambda/core/edit/manifest-change.ts";
import { renderCommitMessage } from "../../lambda/core/update/commit-message.ts";
import { PUSH_DIGEST, SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";

function change(
  file: string,
  oldValue: string,
  newValue: string,
  extra: Partial<ManifestChange> = {},
): ManifestChange {
  const field: ChangedField = oldValue.startsWith("sha256:")
    ? "digest"
    : /[:/]/.test(oldValue)
      ? "image"
      : "tag";
  const spelled = (value: string): TagAndDigest => {
    if (field === "tag") return { tag: value, digest: undefined };
    if (field === "digest") return { tag: undefined, digest: value };
    // `name[:tag][@digest]`, as the editor reports a whole reference's parts.
    const [head = "", digest] = value.split("@");
    const colon = head.lastIndexOf(":");
    return { tag: colon > head.lastIndexOf("/") ? head.slice(colon + 1) : undefined, digest };
  };
  return {
    file,
    document: 0,
    path: "spec.template.spec.containers[0].image",
    oldValue,
    newValue,
    field,
    matcher: field === "image" ? "image-key" : "kustomize",
    from: spelled(oldValue),
    to: spelled(newValue),
    ...extra,
  };
}

const TIMETABLE = `${SEOUL_REGISTRY}/snutt-dev/snutt-timetable`;

function paragraphs(body: string): string[] {
  return body.split("\n\n");
}

describe("renderCommitMessage for one image", () => {
  it("renders exactly the original tool's headline and lists the change", () => {
    const message = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [push("snutt-dev/snutt-timetable", "46")],
      changes: [
        change("apps/snutt-dev/snutt-timetable/deployment.yaml", `${TIMETABLE}:45`, `${TIMETABLE}:46`),
      ],
    });
    expect(message).toEqual({
      headline: "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
      body: [
        "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46",
        "",
        `Image-Digest: ${PUSH_DIGEST}`,
        "ECR-Event-Id: evt-snutt-dev/snutt-timetable:46@2026-11-20T10:00:00Z",
      ].join("\n"),
    });
  });

  it("gives a manual push no ECR-Event-Id, and no Image-Digest or {digest} when it named none", () => {
    const { digest: _digest, ...fields } = push("snutt-dev/snutt-timetable", "44");
    const changes = [
      change("apps/snutt-dev/snutt-timetable/deployment.yaml", `${TIMETABLE}:45`, `${TIMETABLE}:44`),
    ];
    const bare = renderCommitMessage({
      template: "rollback {repository}:{tag}{digest}",
      pushes: [{ ...fields, manual: true }],
      changes,
    });
    expect(bare.headline).toBe("rollback snutt-dev/snutt-timetable:44");
    expect(paragraphs(bare.body)).toHaveLength(1);
    const pinned = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [{ ...fields, manual: true, digest: PUSH_DIGEST }],
      changes,
    });
    expect(paragraphs(pinned.body)[1]).toBe(`Image-Digest: ${PUSH_DIGEST}`);
  });

  it("fills every placeholder of a custom template", () => {
    const message = renderCommitMessage({
      template: "deploy {repository}:{tag} ({digest}) from {registry} {repository}",
      pushes: [push("snutt-dev/snutt-timetable", "46")],
      changes: [],
    });
    expect(message.headline).toBe(
      `deploy snutt-dev/snutt-timetable:46 (${PUSH_DIGEST}) from ${SEOUL_REGISTRY} snutt-dev/snutt-timetable`,
    );
  });

  it("leaves unknown placeholders and other braces as written", () => {
    const message = renderCommitMessage({
      template: "{tag} {nope} {skip ci} {}",
      pushes: [push("a", "1")],
      changes: [],
    });
    expect(message.headline).toBe("1 {nope} {skip ci} {}");
  });
});

describe("renderCommitMessage for a batch", () => {
  const pushes = [push("snutt-dev/snutt-timetable", "46"), push("k8s-monitoring", "1.2.3")];
  const changes = [
    change("apps/snutt-dev/snutt-timetable/deployment.yaml", `${TIMETABLE}:45`, `${TIMETABLE}:46`),
    change("apps/k8s-monitoring/grafana/values.yml", "1.2.2", "1.2.3", { path: "image.tag" }),
  ];

  it("counts the images in the headline and lists each image, then each change, sorted", () => {
    expect(renderCommitMessage({ template: DEFAULT_COMMIT_MESSAGE, pushes, changes })).toEqual({
      headline: "Automated commit by ECR push (2 images)",
      body: [
        "k8s-monitoring:1.2.3",
        "snutt-dev/snutt-timetable:46",
        "",
        "apps/k8s-monitoring/grafana/values.yml: image.tag 1.2.2 → 1.2.3",
        "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46",
        "",
        `Image-Digest: ${PUSH_DIGEST}`,
        "ECR-Event-Id: evt-k8s-monitoring:1.2.3@2026-11-20T10:00:00Z",
        `Image-Digest: ${PUSH_DIGEST}`,
        "ECR-Event-Id: evt-snutt-dev/snutt-timetable:46@2026-11-20T10:00:00Z",
      ].join("\n"),
    });
  });

  it("renders each image line with a custom template, keeping the fixed headline", () => {
    const message = renderCommitMessage({ template: "deploy {repository} → {tag}", pushes, changes: [] });
    expect(message.headline).toBe("Automated commit by ECR push (2 images)");
    expect(paragraphs(message.body)[0]).toBe(
      "deploy k8s-monitoring → 1.2.3\ndeploy snutt-dev/snutt-timetable → 46",
    );
  });

  it("does not depend on the order of pushes or changes", () => {
    const forward = renderCommitMessage({ template: DEFAULT_COMMIT_MESSAGE, pushes, changes });
    const backward = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [...pushes].reverse(),
      changes: [...changes].reverse(),
    });
    expect(backward).toEqual(forward);
  });
});

describe("renderCommitMessage for a reconcile", () => {
  const pushes = [push("snutt-dev/snutt-timetable", "46"), push("k8s-monitoring", "1.2.3")];
  const changes = [
    change("apps/snutt-dev/snutt-timetable/deployment.yaml", `${TIMETABLE}:45`, `${TIMETABLE}:46`),
    change("apps/k8s-monitoring/grafana/values.yml", "1.2.2", "1.2.3", { path: "image.tag" }),
  ];
  const repairReasons = new Map(pushes.map((pushed) => [pushed, `${pushed.tag} was missed`]));

  it("says reconcile whatever the template, and names each image and why, even one", () => {
    const [only] = pushes;
    const one = renderCommitMessage({
      template: "deploy {repository}",
      pushes: pushes.slice(0, 1),
      changes: changes.slice(0, 1),
      repairReasons,
    });
    expect(one).toEqual({
      headline: `Automated commit by ECR reconcile (snutt-dev/snutt-timetable:${only?.tag})`,
      body: [
        "snutt-dev/snutt-timetable:46: 46 was missed",
        "",
        "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46",
        "",
        `Image-Digest: ${PUSH_DIGEST}`,
      ].join("\n"),
    });
    expect(renderCommitMessage({ template: DEFAULT_COMMIT_MESSAGE, pushes, changes, repairReasons })).toEqual(
      {
        headline: "Automated commit by ECR reconcile (2 images)",
        body: [
          "k8s-monitoring:1.2.3: 1.2.3 was missed",
          "snutt-dev/snutt-timetable:46: 46 was missed",
          "",
          "apps/k8s-monitoring/grafana/values.yml: image.tag 1.2.2 → 1.2.3",
          "apps/snutt-dev/snutt-timetable/deployment.yaml: spec.template.spec.containers[0].image 45 → 46",
          "",
          `Image-Digest: ${PUSH_DIGEST}`,
          `Image-Digest: ${PUSH_DIGEST}`,
        ].join("\n"),
      },
    );
  });
});

describe("renderCommitMessage change lines", () => {
  function body(changes: readonly ManifestChange[]): string {
    const message = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [push("x", "1")],
      changes,
    });
    return paragraphs(message.body)[0] ?? "";
  }

  it("sorts by file, then document, then path, and drops exact duplicates", () => {
    const a = change("b.yaml", "r:1", "r:2", { document: 1, path: "spec.containers[1].image" });
    const b = change("b.yaml", "r:1", "r:2", { document: 1, path: "spec.containers[0].image" });
    const c = change("b.yaml", "r:1", "r:2", { document: 0, path: "spec.containers[0].image" });
    const d = change("a.yaml", "r:1", "r:2");
    expect(body([a, b, c, d, a]).split("\n")).toEqual([
      "a.yaml: spec.template.spec.containers[0].image 1 → 2",
      "b.yaml: spec.containers[0].image 1 → 2",
      "b.yaml (document 2): spec.containers[0].image 1 → 2",
      "b.yaml (document 2): spec.containers[1].image 1 → 2",
    ]);
  });

  it("sorts by code unit, not by locale", () => {
    const lines = body([
      change("apps/b.yaml", "1", "2"),
      change("apps/B.yaml", "1", "2"),
      change("apps/a.yaml", "1", "2"),
    ]);
    expect(lines.split("\n").map((line) => line.split(":")[0])).toEqual([
      "apps/B.yaml",
      "apps/a.yaml",
      "apps/b.yaml",
    ]);
  });

  it.each([
    ["tag to tag", `${TIMETABLE}:45`, `${TIMETABLE}:46`, "45 → 46"],
    ["registry with a port", "registry:5000/app:45", "registry:5000/app:46", "45 → 46"],
    [
      "digest-pinned",
      `${TIMETABLE}:45@sha256:aa`,
      `${TIMETABLE}:46@sha256:bb`,
      "45@sha256:aa → 46@sha256:bb",
    ],
    ["digest only", `${TIMETABLE}@sha256:aa`, `${TIMETABLE}@sha256:bb`, "@sha256:aa → @sha256:bb"],
    ["a bare tag value", "45", "46", "45 → 46"],
    ["a digest field", "sha256:aa", "sha256:bb", "sha256:aa → sha256:bb"],
    ["untagged to tagged", TIMETABLE, `${TIMETABLE}:46`, `${TIMETABLE} → ${TIMETABLE}:46`],
  ])("shows %s changes briefly", (_name, oldValue, newValue, shown) => {
    expect(body([change("f.yaml", oldValue, newValue)])).toBe(
      `f.yaml: spec.template.spec.containers[0].image ${shown}`,
    );
  });
});
