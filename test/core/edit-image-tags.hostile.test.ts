import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type EditOutcome, editImageTags } from "../../lambda/core/edit/edit-image-tags.ts";
import type { ImageEdit } from "../../lambda/core/edit/image-edit.ts";
import { SEOUL_REGISTRY as ECR } from "../support/constants.ts";
import { DIGEST, EDIT, IMG, OLD_DIGEST, REPO } from "../support/image-edit.ts";

// Issue 8: YAML that an adversary (or an unlucky generator) writes. Each case failed before its fix.

function edited(text: string, edit: ImageEdit = EDIT): Extract<EditOutcome, { kind: "edited" }> {
  const outcome = editImageTags("apps/f.yaml", text, edit);
  if (outcome.kind !== "edited") throw new Error(`expected an edit, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const V2: ImageEdit = { ...EDIT, tag: "v2.0.0" };

describe("merge keys: a key written in the entry wins over a merged one", () => {
  const flow = [
    "images:",
    `  app: &app-image {repository: ${IMG}, tag: v1.0.0}`,
    "  sidecar: {<<: *app-image, tag: v1.0.0}",
    "",
  ].join("\n");
  const block = [
    "images:",
    "  app: &app-image",
    `    repository: ${IMG}`,
    "    tag: v1.0.0",
    "  sidecar:",
    "    <<: *app-image",
    "    tag: v1.0.0 # own",
    "",
  ].join("\n");

  it.each([
    ["flow", flow],
    ["block", block],
    ["flow, YAML 1.1", `%YAML 1.1\n---\n${flow}`],
    ["block, YAML 1.1", `%YAML 1.1\n---\n${block}`],
  ])("edits the entry's own tag and the anchor's, each reported once (%s)", (_style, text) => {
    const outcome = edited(text, V2);
    expect(outcome.text).toBe(text.replaceAll("tag: v1.0.0", "tag: v2.0.0"));
    expect(outcome.changes.map((c) => [c.path, c.oldValue, c.newValue])).toEqual([
      ["images.app.tag", "v1.0.0", "v2.0.0"],
      ["images.sidecar.tag", "v1.0.0", "v2.0.0"],
    ]);
  });

  it.each([
    ["flow", flow],
    ["block", block],
  ])("updates the entry's own tag when the anchor is already current (%s)", (_style, text) => {
    const current = text.replace("tag: v1.0.0", "tag: v2.0.0");
    const outcome = edited(current, V2);
    expect(outcome.text).toBe(current.replace("tag: v1.0.0", "tag: v2.0.0"));
    expect(outcome.changes.map((c) => c.path)).toEqual(["images.sidecar.tag"]);
  });

  it("reports a merged tag the entry does not override at the entry too", () => {
    const text = `app: &a {repository: ${IMG}, tag: v1.0.0}\nsidecar: {<<: *a, name: s}\n`;
    const outcome = edited(text, V2);
    expect(outcome.text).toBe(text.replace("v1.0.0", "v2.0.0"));
    expect(outcome.changes.map((c) => c.path)).toEqual(["app.tag", "sidecar.tag"]);
  });

  it("lets the first of several merged maps win, as YAML merge keys do", () => {
    const text = [
      `a: &a {repository: ${IMG}, tag: v1.0.0}`,
      "b: &b {tag: v0.9.0}",
      "c: {<<: [*b, *a]}",
      "",
    ].join("\n");
    // c's effective tag is b's (v0.9.0, not an image's) — c's repository comes from a, so b's tag is c's tag.
    const outcome = edited(text, V2);
    expect(outcome.text).toBe(text.replace("v1.0.0", "v2.0.0").replace("v0.9.0", "v2.0.0"));
    expect(outcome.changes.map((c) => c.path)).toEqual(["a.tag", "b.tag", "c.tag"]);
  });
});

describe("a digest after the tag in a tag field is kept as a pin", () => {
  it("gives a Helm `tag: <tag>@sha256:…` the new tag and the pushed digest", () => {
    const text = `image:\n  repository: ${IMG}\n  tag: 3.14.3@${OLD_DIGEST} # pinned\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(`3.14.3@${OLD_DIGEST}`, `46@${DIGEST}`));
    expect(outcome.changes).toEqual([
      expect.objectContaining({
        path: "image.tag",
        field: "tag",
        matcher: "helm",
        from: { tag: "3.14.3", digest: OLD_DIGEST },
        to: { tag: "46", digest: DIGEST },
      }),
    ]);
  });

  it("gives a kustomize `newTag: <tag>@sha256:…` the new tag and the pushed digest, in any quote style", () => {
    for (const quote of ["", "'", '"']) {
      const text = `images:\n- name: ${IMG}\n  newTag: ${quote}11@${OLD_DIGEST}${quote}\n`;
      expect(edited(text).text).toBe(text.replace(`11@${OLD_DIGEST}`, `46@${DIGEST}`));
    }
  });

  it("leaves a pinned tag field that already says the pushed tag and digest alone", () => {
    const text = `images:\n- name: ${IMG}\n  newTag: 46@${DIGEST}\n`;
    expect(edited(text)).toEqual({ kind: "edited", text, changes: [] });
  });
});

describe("nesting too deep to walk safely", () => {
  it("skips a 2,400-level flow sequence that mentions the image as too deep", () => {
    const text = `a: ${"[".repeat(2400)}{image: ${IMG}:45}${"]".repeat(2400)}\n`;
    expect(editImageTags("deep.yaml", text, EDIT)).toMatchObject({ kind: "too-deep", line: 1 });
  });

  it("skips deep block nesting and compact sequences the same way", () => {
    const compact = `${"- ".repeat(3000)}image: ${IMG}:45\n`;
    expect(editImageTags("deep.yaml", compact, EDIT)).toMatchObject({ kind: "too-deep" });
    const lines = Array.from({ length: 400 }, (_, i) => `${" ".repeat(i)}k${i}:`);
    const block = `${lines.join("\n")}\n${" ".repeat(400)}image: ${IMG}:45\n`;
    expect(editImageTags("deep.yaml", block, EDIT)).toMatchObject({ kind: "too-deep" });
  });

  it("skips a chain of aliases that nests deeper than a document may", () => {
    const lines = [`l0: &l0 [{image: ${IMG}:45}]`];
    for (let i = 1; i <= 300; i++) lines.push(`l${i}: &l${i} [*l${i - 1}]`);
    expect(editImageTags("chain.yaml", `${lines.join("\n")}\n`, EDIT)).toMatchObject({ kind: "too-deep" });
  });

  it("still edits ordinary deep manifests (a CRD-like 60 levels)", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${"  ".repeat(i)}k${i}:`);
    const text = `${lines.join("\n")}\n${"  ".repeat(60)}image: ${IMG}:45\n`;
    expect(edited(text).text).toBe(text.replace(":45", ":46"));
  });
});

describe("references heimdall must either edit exactly or warn about", () => {
  it("edits a reference in a literal or folded block scalar, keeping its final line break", () => {
    for (const header of ["|", ">", "|+", "|2", ">-"]) {
      const text = `image: ${header}\n  ${IMG}:45\nnext: 1\n`;
      const outcome = edited(text);
      expect(outcome.text).toBe(text.replace(":45", ":46"));
      expect(outcome.changes).toEqual([
        expect.objectContaining({ path: "image", oldValue: `${IMG}:45`, newValue: `${IMG}:46` }),
      ]);
    }
  });

  it("edits a tag in a literal block scalar the same way", () => {
    const text = `images:\n- name: ${IMG}\n  newTag: |\n    45\n`;
    expect(edited(text).text).toBe(`images:\n- name: ${IMG}\n  newTag: |\n    46\n`);
  });

  it("warns about a byte order mark at the start of a later document instead of missing its reference", () => {
    const text = `kind: Service\n---\n\uFEFFkind: Deployment\nimage: ${IMG}:45\n`;
    expect(editImageTags("bom.yaml", text, EDIT)).toMatchObject({
      kind: "unsupported",
      line: 3,
      message: expect.stringMatching(/byte order mark/),
    });
  });

  it("still edits a file whose later document starts with a byte order mark the YAML reader understands", () => {
    const text = `kind: Service\n...\n\uFEFF---\nimage: ${IMG}:45\n`;
    expect(edited(text).text).toBe(text.replace(":45", ":46"));
  });

  it.each([
    ["an escape in the registry", `"${ECR.replace(".com", ".co\\x6d")}/${REPO}:45"`, ":45", ":46"],
    ["an escape in the tag", `"${IMG}:\\x345"`, "\\x345", "\\x346"],
    ["an escaped line break", `"${ECR}/\\\n  ${REPO}:45"`, ":45", ":46"],
    [
      "a unicode escape and a digest",
      `"${IMG}:4\\u0035@${OLD_DIGEST}"`,
      `\\u0035@${OLD_DIGEST}`,
      `6@${DIGEST}`,
    ],
  ])("keeps a double-quoted value's escapes outside what changes (%s)", (_name, scalar, from, to) => {
    const text = `image: ${scalar} # c\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(from, to));
    const [doc] = parseAllDocuments(outcome.text);
    expect(doc?.toJS().image).toMatch(/:46(@|$)/);
  });
});
