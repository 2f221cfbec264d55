import { describe, expect, it } from "vitest";
import { type EditOutcome, editImageTags } from "../../lambda/core/edit/edit-image-tags.ts";
import type { ImageEdit } from "../../lambda/core/edit/image-edit.ts";
import { DIGEST, EDIT, IMG, OLD_DIGEST } from "../support/image-edit.ts";

// Issue 12: operators hold one reference with a `# heimdall:pin` comment, or have a target write digests.

function edited(text: string, edit: ImageEdit = EDIT): Extract<EditOutcome, { kind: "edited" }> {
  const outcome = editImageTags("apps/f.yaml", text, edit);
  if (outcome.kind !== "edited") throw new Error(`expected an edit, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const PIN_DIGEST: ImageEdit = { ...EDIT, pinDigest: true };

describe("# heimdall:pin", () => {
  it("keeps a pinned image reference, updates the others, and reports what it kept", () => {
    const text = [
      "containers:",
      `  - image: ${IMG}:45 # heimdall:pin until INC-42 is fixed`,
      `  - image: ${IMG}:45`,
      "",
    ].join("\n");
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(`${IMG}:45\n`, `${IMG}:46\n`));
    expect(outcome.changes.map((c) => c.path)).toEqual(["containers[1].image"]);
    expect(outcome.pinned).toEqual([
      { file: "apps/f.yaml", document: 0, path: "containers[0].image", value: `${IMG}:45` },
    ]);
  });

  it("pins a reference in a flow collection by a comment on its line", () => {
    const text = `a: {image: ${IMG}:45}   #heimdall:pin\nb: {image: ${IMG}:45}\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(`a: {image: ${IMG}:45}   #heimdall:pin\nb: {image: ${IMG}:46}\n`);
    expect(outcome.pinned?.map((p) => p.path)).toEqual(["a.image"]);
  });

  it.each([
    ["the name line", "name", "newTag"],
    ["the newTag line", "newTag", "name"],
    ["the digest line", "digest", "name"],
  ])("pins a whole kustomize entry, tag and digest, by a comment on %s", (_where, pinnedKey) => {
    const lines = [`- name: ${IMG}`, "  newTag: '45'", `  digest: ${OLD_DIGEST}`];
    const index = ["name", "newTag", "digest"].indexOf(pinnedKey);
    lines[index] = `${lines[index]} # heimdall:pin`;
    const text = `images:\n${lines.join("\n")}\n- name: ${IMG}\n  newTag: '45'\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(/newTag: '45'\n$/, "newTag: '46'\n"));
    expect(outcome.pinned?.map((p) => [p.path, p.value])).toEqual([
      ["images[0].newTag", "45"],
      ["images[0].digest", OLD_DIGEST],
    ]);
  });

  it("pins Helm values by a comment on the repository or the tag line", () => {
    for (const [repository, tag] of [
      [" # heimdall:pin", ""],
      ["", " # heimdall:pin"],
    ]) {
      const text = `app:\n  repository: ${IMG}${repository}\n  tag: v45${tag}\nworker:\n  repository: ${IMG}\n  tag: v45\n`;
      const outcome = edited(text);
      expect(outcome.text).toBe(text.replace(/tag: v45\n$/, 'tag: "46"\n'));
      expect(outcome.pinned?.map((p) => p.path)).toEqual(["app.tag"]);
    }
  });

  it("keeps a pinned anchor everywhere it is used, and says so for each path", () => {
    const text = `x-image: &img ${IMG}:45 # heimdall:pin\nc:\n  - image: *img\n`;
    const outcome = edited(text);
    expect(outcome).toEqual({
      kind: "edited",
      text,
      changes: [],
      pinned: [
        { file: "apps/f.yaml", document: 0, path: "x-image", value: `${IMG}:45` },
        { file: "apps/f.yaml", document: 0, path: "c[0].image", value: `${IMG}:45` },
      ],
    });
  });

  it("works with CRLF line endings and in later documents", () => {
    const text = `kind: A\r\n---\r\nimage: ${IMG}:45 # heimdall:pin\r\nother: {image: ${IMG}:45}\r\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(`{image: ${IMG}:45}`, `{image: ${IMG}:46}`));
    expect(outcome.pinned).toEqual([{ file: "apps/f.yaml", document: 1, path: "image", value: `${IMG}:45` }]);
  });

  it("takes only a comment that starts with heimdall:pin, and not heimdall:pinned", () => {
    for (const comment of ["# do not heimdall:pin", "# heimdall:pinned", "# heimdall:pin-later"]) {
      const text = `image: ${IMG}:45 ${comment}\n`;
      expect(edited(text).text).toBe(`image: ${IMG}:46 ${comment}\n`);
    }
  });

  it("does not count a value that only looks like a pin comment", () => {
    const text = `a: {image: ${IMG}:45, note: "x # heimdall:pin"}\n`;
    expect(edited(text).changes).toHaveLength(1);
  });

  it("reports nothing for a pinned reference that already says the pushed tag", () => {
    const outcome = edited(`image: ${IMG}:46 # heimdall:pin\n`);
    expect(outcome.pinned).toBeUndefined();
  });
});

describe("pinDigest", () => {
  it("writes the pushed digest into a plain tag reference", () => {
    const outcome = edited(`image: ${IMG}:45 # app\n`, PIN_DIGEST);
    expect(outcome.text).toBe(`image: ${IMG}:46@${DIGEST} # app\n`);
    expect(outcome.changes[0]).toMatchObject({ to: { tag: "46", digest: DIGEST } });
  });

  it("replaces the digest of an already pinned reference, also on a re-push of the same tag", () => {
    expect(edited(`image: ${IMG}:46@${OLD_DIGEST}\n`, PIN_DIGEST).text).toBe(`image: ${IMG}:46@${DIGEST}\n`);
    expect(edited(`image: "${IMG}:latest"\n`, { ...PIN_DIGEST, tag: "latest" }).text).toBe(
      `image: "${IMG}:latest@${DIGEST}"\n`,
    );
  });

  it("changes nothing when the same digest is pushed again", () => {
    const text = `image: ${IMG}:46@${DIGEST}\nimages:\n- name: ${IMG}\n  newTag: "46"\n  digest: ${DIGEST}\n`;
    expect(edited(text, PIN_DIGEST)).toEqual({ kind: "edited", text, changes: [] });
  });

  it("uses a kustomize entry's digest field, or pins the tag field when it has none", () => {
    const withDigest = `images:\n- name: ${IMG}\n  newTag: "45"\n  digest: ${OLD_DIGEST}\n`;
    expect(edited(withDigest, PIN_DIGEST).text).toBe(
      withDigest.replace('"45"', '"46"').replace(OLD_DIGEST, DIGEST),
    );
    const without = `images:\n- name: ${IMG}\n  newTag: "45"\n`;
    expect(edited(without, PIN_DIGEST).text).toBe(without.replace('"45"', `"46@${DIGEST}"`));
  });

  it("fills a Helm digest key, even an empty one, or pins the tag field when there is none", () => {
    const empty = `image:\n  repository: ${IMG}\n  tag: v45\n  digest: ""\n`;
    expect(edited(empty, PIN_DIGEST).text).toBe(
      `image:\n  repository: ${IMG}\n  tag: "46"\n  digest: "${DIGEST}"\n`,
    );
    const none = `image:\n  repository: ${IMG}\n  tag: v45\n`;
    expect(edited(none, PIN_DIGEST).text).toBe(`image:\n  repository: ${IMG}\n  tag: 46@${DIGEST}\n`);
  });

  it("leaves references without a digest alone when it is off (today's behaviour)", () => {
    expect(edited(`image: ${IMG}:45\n`).text).toBe(`image: ${IMG}:46\n`);
  });
});
