import { describe, expect, it } from "vitest";
import { isScalar, parseAllDocuments } from "yaml";
import { type EditOutcome, editImageTags } from "../../lambda/core/edit/edit-image-tags.ts";
import type { ImageEdit } from "../../lambda/core/edit/image-edit.ts";
import { parseManifest } from "../../lambda/core/edit/parse-manifest.ts";
import { readsAsPlainString } from "../../lambda/core/edit/reads-as-plain-string.ts";
import { UnsafeEditError } from "../../lambda/core/edit/unsafe-edit-error.ts";
import { verifyEdit } from "../../lambda/core/edit/verify-edit.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { DIGEST, EDIT, IMG, OLD_DIGEST, REPO } from "../support/image-edit.ts";

function edited(text: string, edit: ImageEdit = EDIT): Extract<EditOutcome, { kind: "edited" }> {
  const outcome = editImageTags("apps/f.yaml", text, edit);
  if (outcome.kind !== "edited") throw new Error(`expected an edit, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function expectUnchanged(text: string, edit: ImageEdit = EDIT): void {
  const outcome = edited(text, edit);
  expect(outcome.changes).toEqual([]);
  expect(outcome.text).toBe(text);
}

describe("editImageTags: what is rewritten", () => {
  it("rewrites a container image and reports the change with its path", () => {
    const text = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      "        - name: app",
      `          image: ${IMG}:45`,
      "",
    ].join("\n");
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(`${IMG}:45`, `${IMG}:46`));
    expect(outcome.changes).toEqual([
      {
        file: "apps/f.yaml",
        document: 0,
        path: "spec.template.spec.containers[0].image",
        oldValue: `${IMG}:45`,
        newValue: `${IMG}:46`,
        field: "image",
        matcher: "image-key",
        from: { tag: "45", digest: undefined },
        to: { tag: "46", digest: undefined },
      },
    ]);
  });

  it("rewrites initContainers, CronJob templates and CRDs alike (any `image` key)", () => {
    const text = [
      "spec:",
      "  jobTemplate:",
      "    spec:",
      "      template:",
      "        spec:",
      "          initContainers:",
      `            - image: ${IMG}:45`,
      "rollout:",
      `  workloadRef: {image: ${IMG}:44}`,
      "",
    ].join("\n");
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replaceAll(/:4[45]\b/g, ":46"));
    expect(outcome.changes.map((c) => c.path)).toEqual([
      "spec.jobTemplate.spec.template.spec.initContainers[0].image",
      "rollout.workloadRef.image",
    ]);
  });

  it("numbers documents of a multi-document file from 0", () => {
    const text = `kind: Service\n---\nkind: Deployment\nimage: ${IMG}:45\n`;
    expect(edited(text).changes.map((c) => c.document)).toEqual([1]);
  });

  it("edits the anchored scalar once when `image` is reached through an alias, reporting every path it changes", () => {
    const text = `x-image: &img ${IMG}:45\nc:\n  - image: *img\n  - image: *img\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(`x-image: &img ${IMG}:46\nc:\n  - image: *img\n  - image: *img\n`);
    expect(outcome.changes.map((c) => c.path)).toEqual(["x-image", "c[0].image", "c[1].image"]);
  });

  it("reports a value that shares the image's anchor as changed too (env, labels)", () => {
    const text = `a: &img ${IMG}:45\nenv: [{name: IMG, value: *img}]\nimage: *img\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace(":45", ":46"));
    expect(outcome.changes.map((c) => c.path)).toEqual(["a", "env[0].value", "image"]);
  });

  it("edits an image merged in with `<<` once, whether or not the document merges (YAML 1.1 or 1.2)", () => {
    for (const head of ["", "%YAML 1.1\n---\n"]) {
      const text = `${head}base: &base {image: ${IMG}:45}\napp:\n  <<: [*base]\n  name: app\n`;
      const outcome = edited(text);
      expect(outcome.text).toBe(text.replace(":45", ":46"));
      expect(outcome.changes.map((c) => c.path)).toEqual(["base.image", "app.image"]);
    }
  });

  it("keeps an explicit tag and anchor in front of the rewritten scalar", () => {
    const text = `a: &img !!str "${IMG}:45"\nimage: *img\n`;
    expect(edited(text).text).toBe(`a: &img !!str "${IMG}:46"\nimage: *img\n`);
  });

  it("adds the tag to an untagged reference", () => {
    expect(edited(`image: ${IMG}\n`).text).toBe(`image: ${IMG}:46\n`);
  });

  it("gives a digest-pinned reference the new tag and the event's digest", () => {
    const pinned = edited(`image: ${IMG}:1.4.0@${OLD_DIGEST}\n`);
    expect(pinned.text).toBe(`image: ${IMG}:46@${DIGEST}\n`);
    expect(pinned.changes[0]).toMatchObject({
      field: "image",
      from: { tag: "1.4.0", digest: OLD_DIGEST },
      to: { tag: "46", digest: DIGEST },
    });
    expect(edited(`image: ${IMG}@${OLD_DIGEST}\n`).text).toBe(`image: ${IMG}:46@${DIGEST}\n`);
  });

  it("does not add a digest to a reference that had none", () => {
    expect(edited(`image: ${IMG}:45\n`).text).toBe(`image: ${IMG}:46\n`);
  });

  it("matches any of the given registries, and only those", () => {
    const mirror = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    const text = `a: {image: ${SEOUL_REGISTRY}/${REPO}:1}\nb: {image: ${mirror}/${REPO}:1}\nc: {image: ghcr.io/${REPO}:1}\n`;
    const outcome = edited(text, { ...EDIT, registries: [SEOUL_REGISTRY, mirror] });
    expect(outcome.text).toBe(
      `a: {image: ${SEOUL_REGISTRY}/${REPO}:46}\nb: {image: ${mirror}/${REPO}:46}\nc: {image: ghcr.io/${REPO}:1}\n`,
    );
  });

  it("sets newTag and digest of a kustomize images entry named by the reference", () => {
    const text = [
      "images:",
      `  - name: ${IMG}`,
      "    newTag: '45' # deployed",
      `    digest: ${OLD_DIGEST}`,
      "  - name: nginx",
      "    newTag: '1.27'",
      "",
    ].join("\n");
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace("'45'", "'46'").replace(OLD_DIGEST, DIGEST));
    expect(outcome.changes).toEqual([
      {
        file: "apps/f.yaml",
        document: 0,
        path: "images[0].newTag",
        oldValue: "45",
        newValue: "46",
        field: "tag",
        matcher: "kustomize",
        from: { tag: "45", digest: undefined },
        to: { tag: "46", digest: undefined },
      },
      {
        file: "apps/f.yaml",
        document: 0,
        path: "images[0].digest",
        oldValue: OLD_DIGEST,
        newValue: DIGEST,
        field: "digest",
        matcher: "kustomize",
        from: { tag: undefined, digest: OLD_DIGEST },
        to: { tag: undefined, digest: DIGEST },
      },
    ]);
  });

  it("matches a kustomize entry by newName, and not by name when newName points elsewhere", () => {
    const text = [
      "images:",
      "  - name: app",
      `    newName: ${IMG}`,
      "    newTag: v1",
      `  - name: ${IMG}`,
      `    newName: ${SEOUL_REGISTRY}/other/app`,
      "    newTag: v1",
      "",
    ].join("\n");
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace("newTag: v1", 'newTag: "46"'));
    expect(outcome.changes.map((c) => c.path)).toEqual(["images[0].newTag"]);
  });

  it("quotes a kustomize newTag written into a plain scalar when the tag would read as a number", () => {
    const text = `images:\n- name: ${IMG}\n  newTag: 45\n`;
    expect(edited(text).text).toBe(`images:\n- name: ${IMG}\n  newTag: "46"\n`);
    expect(edited(text, { ...EDIT, tag: "v46" }).text).toBe(`images:\n- name: ${IMG}\n  newTag: v46\n`);
  });

  it("sets a Helm-style tag next to a full repository reference", () => {
    const text = `image:\n  repository: ${IMG}\n  tag: "45"\n  pullPolicy: IfNotPresent\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replace('"45"', '"46"'));
    expect(outcome.changes).toEqual([
      {
        file: "apps/f.yaml",
        document: 0,
        path: "image.tag",
        oldValue: "45",
        newValue: "46",
        field: "tag",
        matcher: "helm",
        from: { tag: "45", digest: undefined },
        to: { tag: "46", digest: undefined },
      },
    ]);
  });

  it("sets a Helm-style tag in the split registry + repository form", () => {
    const text = `image:\n  registry: ${SEOUL_REGISTRY}\n  repository: ${REPO}\n  tag: v45\n`;
    expect(edited(text).text).toBe(text.replace("v45", '"46"'));
    expectUnchanged(`image:\n  registry: ghcr.io\n  repository: ${REPO}\n  tag: v45\n`);
  });

  it("updates a non-empty Helm digest and leaves an empty one empty", () => {
    const pinned = `image:\n  repository: ${IMG}\n  tag: v45\n  digest: ${OLD_DIGEST}\n`;
    expect(edited(pinned).text).toBe(pinned.replace("v45", '"46"').replace(OLD_DIGEST, DIGEST));
    const unpinned = `image:\n  repository: ${IMG}\n  tag: v45\n  digest: ""\n`;
    expect(edited(unpinned).text).toBe(unpinned.replace("v45", '"46"'));
  });

  it("reports a numeric tag's old value as written", () => {
    const outcome = edited(`image:\n  repository: ${IMG}\n  tag: 1.20\n`);
    expect(outcome.changes[0]).toMatchObject({ oldValue: "1.20", newValue: "46" });
    expect(outcome.text).toBe(`image:\n  repository: ${IMG}\n  tag: "46"\n`);
  });
});

describe("editImageTags: what is left alone", () => {
  it("returns the text untouched when it does not mention the repository (fast path)", () => {
    const text = "not: [valid\n"; // would be unparseable if it were parsed
    expect(editImageTags("f.yaml", text, EDIT)).toEqual({ kind: "edited", text, changes: [] });
  });

  it("leaves comments and commented-out lines alone", () => {
    expectUnchanged(`# image: ${IMG}:45\nspec:\n  #  image: ${IMG}:45\n  a: 1 # ${IMG}:45\n`);
  });

  it("leaves env values and args that merely contain the reference", () => {
    expectUnchanged(
      [
        "containers:",
        "  - env:",
        "      - name: IMAGE",
        `        value: ${IMG}:45`,
        `    args: ["--image=${IMG}:45", "${IMG}:45"]`,
        `    command: [echo, ${IMG}:45]`,
        "",
      ].join("\n"),
    );
  });

  it("leaves look-alike repositories", () => {
    expectUnchanged(
      [
        `- image: ${SEOUL_REGISTRY}/snutt-dev/snutt-timetable-worker:45`,
        `- image: ${SEOUL_REGISTRY}/snutt-dev/snutt-timetable2:45`,
        `- image: ${SEOUL_REGISTRY}/other/snutt-dev/snutt-timetable:45`,
        `- image: ${SEOUL_REGISTRY}/snutt-dev/snutt-timetable/sub:45`,
        `- image: ${REPO}:45`,
        "",
      ].join("\n"),
    );
  });

  it("leaves the same repository on another registry", () => {
    expectUnchanged(`image: 111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/${REPO}:45\n`);
  });

  it("changes nothing when the value is already the new one (duplicate event)", () => {
    const text = [
      `image: ${IMG}:46`,
      `pinned: {image: "${IMG}:46@${DIGEST}"}`,
      "images:",
      `- name: ${IMG}`,
      '  newTag: "46"',
      `  digest: ${DIGEST}`,
      "helm:",
      `  repository: ${IMG}`,
      "  tag: '46'",
      "",
    ].join("\n");
    expectUnchanged(text);
  });

  it("treats a plain numeric tag equal to the new tag as unchanged", () => {
    expectUnchanged(`images:\n- name: ${IMG}\n  newTag: 46\n`);
  });

  it("ignores kustomize entries that carry a tag in name, and `tag:` with no value", () => {
    expectUnchanged(`images:\n- name: ${IMG}:45\n  newTag: v1\nhelm:\n  repository: ${IMG}\n  tag:\n`);
  });

  it("does not treat `repository:` without a sibling `tag:` as Helm values", () => {
    expectUnchanged(`image:\n  repository: ${IMG}\n  version: "45"\n`);
  });
});

describe("editImageTags: formatting", () => {
  it("keeps quote styles and trailing comments", () => {
    const text = `a: {image: '${IMG}:45'}   # one\nb:\n  image: "${IMG}:45"\t# two\nc:\n  image: ${IMG}:45 #three\n`;
    expect(edited(text).text).toBe(text.replaceAll(":45", ":46"));
  });

  it("keeps a single-quoted newTag single-quoted even for a numeric-looking tag", () => {
    const text = `images:\n- name: ${IMG}\n  newTag: 'v1'\n`;
    expect(edited(text, { ...EDIT, tag: "1.20" }).text).toBe(text.replace("'v1'", "'1.20'"));
  });

  it.each([
    "1.20",
    "0123",
    "1e5",
    "true",
    "yes",
    "on",
    "0x1F",
    "2024-01-01",
    "1_000",
    "0o17",
    "null",
    "~",
    "-1",
  ])("quotes the plain tag %s so it still reads as a string", (tag) => {
    const outcome = edited(`helm:\n  repository: ${IMG}\n  tag: v45 # x\n`, { ...EDIT, tag });
    expect(outcome.text).toBe(`helm:\n  repository: ${IMG}\n  tag: "${tag}" # x\n`);
    const [doc] = parseAllDocuments(outcome.text);
    expect(doc?.toJS({ version: "1.2" })).toEqual({ helm: { repository: IMG, tag } });
  });

  it("agrees with both YAML 1.1 and 1.2 about which tags need quotes", () => {
    expect(readsAsPlainString("46-abc")).toBe(true);
    expect(readsAsPlainString("v1.2.3")).toBe(true);
    expect(readsAsPlainString("1.20")).toBe(false);
    expect(readsAsPlainString("y")).toBe(false); // 1.1 boolean only
    expect(readsAsPlainString("0b101")).toBe(false); // 1.1 binary int
    expect(readsAsPlainString("1:30")).toBe(false); // 1.1 sexagesimal
  });

  it("preserves CRLF line endings across multiple documents with --- and ...", () => {
    const text = `---\r\nkind: A\r\nimage: ${IMG}:45\r\n...\r\n---\r\n\r\nkind: B\r\nimage: '${IMG}:45'\r\n`;
    const outcome = edited(text);
    expect(outcome.text).toBe(text.replaceAll(":45", ":46"));
    expect(outcome.changes.map((c) => c.document)).toEqual([0, 1]);
  });

  it("preserves a UTF-8 BOM and a missing final newline", () => {
    const text = `\uFEFFa: 1\nimage: ${IMG}:45`;
    expect(edited(text).text).toBe(`\uFEFFa: 1\nimage: ${IMG}:46`);
  });

  it("handles a BOM before a top-level block sequence (which the yaml lexer alone misreads)", () => {
    const text = `\uFEFF- image: ${IMG}:45\r\n- x\r\n`;
    expect(edited(text).text).toBe(`\uFEFF- image: ${IMG}:46\r\n- x\r\n`);
  });

  it("returns the very same text (BOM included) when nothing changes", () => {
    const text = `\uFEFFimage: ${IMG}:46\n`;
    expect(edited(text)).toEqual({ kind: "edited", text, changes: [] });
  });

  it("preserves flow collections, indentation and blank lines", () => {
    const text = `spec: { containers: [ { name: a,  image: ${IMG}:45 }, {name: b, image: "x"} ] }\n\n\n  # end\n`;
    expect(edited(text).text).toBe(text.replace(":45", ":46"));
  });

  it("rewrites a one-line block scalar in place, keeping its header", () => {
    const text = `image: |-   # why\n    ${IMG}:45\nnext: 1\n`;
    expect(edited(text).text).toBe(text.replace(":45", ":46"));
  });

  it("rewrites a folded multi-line plain scalar as one line", () => {
    const text = `image:\n  ${IMG}:45\nnext: 1\n`;
    expect(edited(text).text).toBe(`image:\n  ${IMG}:46\nnext: 1\n`);
  });

  it("does not match a reference spelled through escapes (the fast path stays exact)", () => {
    expectUnchanged(`image: "${IMG.replace("/snutt-dev/", "/snutt-dev\\x2F")}:45"\nx: ${REPO}\n`);
  });

  it("quotes keys with dots in change paths", () => {
    const text = `metadata:\n  annotations:\n    a.b/c: {image: ${IMG}:45}\n`;
    expect(edited(text).changes[0]?.path).toBe('metadata.annotations["a.b/c"].image');
  });
});

describe("editImageTags: files that do not parse", () => {
  it("reports a Helm template as unparseable with the 1-based line", () => {
    const text = `apiVersion: v1\nkind: Pod\n{{- if .Values.enabled }}\nimage: ${IMG}:45\n{{- end }}\n`;
    const outcome = editImageTags("t.yaml", text, EDIT);
    expect(outcome).toMatchObject({ kind: "unparseable", line: 3 });
  });

  it("reports duplicate keys as unparseable", () => {
    const outcome = editImageTags("d.yaml", `image: ${IMG}:45\nname: a\nimage: ${IMG}:44\n`, EDIT);
    expect(outcome.kind).toBe("unparseable");
    if (outcome.kind === "unparseable") {
      expect(outcome.line).toBe(3);
      expect(outcome.message).toMatch(/unique/);
    }
  });

  it("reports broken indentation as unparseable instead of throwing", () => {
    const outcome = editImageTags("b.yaml", `a:\n  image: ${IMG}:45\n bad: [\n`, EDIT);
    expect(outcome.kind).toBe("unparseable");
  });

  it("reports alias bombs as unparseable", () => {
    const lines = [`a: &a [{image: ${IMG}:45}, x]`];
    for (let i = 0; i < 12; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    const outcome = editImageTags("bomb.yaml", `${lines.join("\n")}\n`, EDIT);
    expect(outcome).toMatchObject({ kind: "unparseable", message: expect.stringMatching(/aliases expand/) });
  });
});

describe("editImageTags: the safety net", () => {
  it("refuses a multi-line block scalar it cannot rewrite in place, naming file and path", () => {
    const text = `images:\n- name: ${IMG}\n  newTag: |\n    45\n    45-b\n`;
    expect(editImageTags("k.yaml", text, EDIT)).toMatchObject({
      kind: "unsupported",
      line: 3,
      message: expect.stringMatching(/images\[0\]\.newTag/),
    });
  });

  it("does not take a split-form repository that already names a registry", () => {
    expectUnchanged(`image:\n  registry: ${SEOUL_REGISTRY}\n  repository: ${IMG}\n  tag: v45\n`);
  });
});

describe("post-edit verification", () => {
  /** Splices `replacement` over the value of top-level key `key` in `text` and verifies that it reads as `value`. */
  function verify(text: string, key: string, replacement: string, value: string, at?: [number, number]) {
    const parsed = parseManifest(text, "");
    if (parsed.kind !== "parsed") throw new Error(parsed.message);
    const document = parsed.documents[0];
    const node = document?.get(key, true);
    if (document === undefined || !isScalar(node) || !node.range) throw new Error(`no scalar at ${key}`);
    const [start, end] = at ?? [node.range[0], node.range[1]];
    const edited = text.slice(0, start) + replacement + text.slice(end);
    verifyEdit("f.yaml", parsed.lexemes, edited, [
      { document, node, splice: { start, end, text: replacement }, value },
    ]);
  }

  it("accepts exactly the intended change, in any scalar style", () => {
    expect(() => verify("a: 1\nb: x # c\n", "b", "y", "y")).not.toThrow();
    expect(() => verify('a: 1\nb: "x\\x41"\n', "b", '"y\\x41"', "yA")).not.toThrow();
    expect(() => verify("b: |\n  x\nc: 1\n", "b", "y", "y\n", [7, 8])).not.toThrow();
    expect(() => verify("b: x\n", "b", '"1.20"', "1.20")).not.toThrow();
    expect(() => verify("b: !!str 45\n", "b", "46", "46")).not.toThrow();
  });

  it("throws UnsafeEditError naming the file when the structure would change", () => {
    const run = () => verify("a: 1\nb: x\n", "b", "y: z", "y: z");
    expect(run).toThrow(UnsafeEditError);
    expect(run).toThrow(/f\.yaml.*structure/);
    expect(() => verify("a: 1\nb: x\n", "b", "x\n---\nc", "x")).toThrow(/structure/);
    expect(() => verify("a: [x]\nb: y\n", "b", "y, z", "y, z")).not.toThrow(); // a plain scalar may hold ", " in block context
    expect(() => verify("a: 1\nb: x\n", "b", "x # y", "x")).toThrow(/structure/);
  });

  it("throws when the rewritten value does not read as the promised string", () => {
    expect(() => verify("b: x\n", "b", "z", "y")).toThrow(/reads back as "z"/);
    expect(() => verify("b: x\n", "b", "46", "46")).toThrow(/would read as tag:yaml.org,2002:int/);
    expect(() => verify("%YAML 1.1\n---\nb: x\n", "b", "yes", "yes")).toThrow(/bool/);
    expect(() => verify("b: !!int 45\n", "b", '"46"', "46")).toThrow(/tag/);
  });

  it("throws when a rewrite is not inside the scalar it names", () => {
    expect(() => verify("a: 1\nb: x\n", "b", "c", "x", [0, 1])).toThrow(/not inside the scalar/);
    expect(() => verify("a: 1\nb: x\n", "b", "y", "y", [3, 7])).toThrow(/crosses a token boundary/);
  });
});
