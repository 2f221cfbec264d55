import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { editImageTags } from "../../lambda/core/edit/edit-image-tags.ts";
import { formatYamlPath, type YamlPathSegment } from "../../lambda/core/edit/yaml-path.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { DIGEST, EDIT, IMG, OLD_DIGEST, REPO } from "../support/image-edit.ts";

// Random YAML files are generated as a small tree model and emitted as text by hand, so every
// property has an independent oracle: the same tree emitted with the expected new values.

const RUNS = { numRuns: 150 };

/** What a targeted `image` value must become. */
const REWRITES: ReadonlyMap<string, string> = new Map([
  [`${IMG}:45`, `${IMG}:46`],
  [IMG, `${IMG}:46`],
  [`${IMG}:1.4.0@${OLD_DIGEST}`, `${IMG}:46@${DIGEST}`],
]);
const VALUES = [
  ...REWRITES.keys(),
  `${IMG}:46`,
  `${SEOUL_REGISTRY}/${REPO}-worker:45`,
  `${SEOUL_REGISTRY}/other/${REPO}:45`,
  `other.example/${REPO}:45`,
  `${REPO}:45`,
  `--image=${IMG}:45`,
  "app",
  "hello world",
  "45",
  "1.20",
  "true",
  "~",
];
const KEYS = ["image", "name", "value", "args", "env", "spec", "containers", "metadata", "a.b/c", "x"];
const COMMENTS = ["# c", "#x: 1", `# image: ${IMG}:45`];

type Style = "plain" | "single" | "double";
interface ScalarNode {
  readonly kind: "scalar";
  readonly value: string;
  readonly style: Style;
  readonly comment: string | undefined;
}
interface MapNode {
  readonly kind: "map";
  readonly flow: boolean;
  readonly entries: readonly (readonly [string, YamlNode])[];
}
interface SeqNode {
  readonly kind: "seq";
  readonly flow: boolean;
  readonly items: readonly YamlNode[];
}
type YamlNode = ScalarNode | MapNode | SeqNode;
interface FileModel {
  readonly documents: readonly (MapNode | SeqNode)[];
  readonly leadingMarker: boolean;
  readonly endMarkers: boolean;
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly finalNewline: boolean;
  readonly spacer: boolean; // comment and blank lines between block entries
}

const scalarArb: fc.Arbitrary<ScalarNode> = fc.record({
  kind: fc.constant("scalar" as const),
  value: fc.constantFrom(...VALUES),
  style: fc.constantFrom<Style>("plain", "single", "double"),
  comment: fc.option(fc.constantFrom(...COMMENTS), { nil: undefined }),
});

const { collection } = fc.letrec<{ node: YamlNode; collection: MapNode | SeqNode }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalarArb, scalarArb, tie("collection")),
  collection: fc.oneof(
    { depthSize: "small" },
    fc.record({
      kind: fc.constant("map" as const),
      flow: fc.boolean(),
      entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie("node")), {
        selector: (entry) => entry[0],
        minLength: 1,
        maxLength: 4,
      }),
    }),
    fc.record({
      kind: fc.constant("seq" as const),
      flow: fc.boolean(),
      items: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    }),
  ),
}));

const fileArb: fc.Arbitrary<FileModel> = fc.record({
  documents: fc.array(collection, { minLength: 1, maxLength: 3 }),
  leadingMarker: fc.boolean(),
  endMarkers: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  spacer: fc.boolean(),
});

type Rewrite = (value: string, path: readonly YamlPathSegment[]) => string;

function scalarText(node: ScalarNode, value: string): string {
  if (node.style === "single") return `'${value}'`;
  if (node.style === "double") return JSON.stringify(value);
  return value;
}

function flowText(node: YamlNode, path: YamlPathSegment[], rewrite: Rewrite): string {
  if (node.kind === "scalar") return scalarText(node, rewrite(node.value, path));
  if (node.kind === "seq")
    return `[${node.items.map((item, i) => flowText(item, [...path, i], rewrite)).join(", ")}]`;
  return `{${node.entries.map(([k, v]) => `${k}: ${flowText(v, [...path, k], rewrite)}`).join(", ")}}`;
}

function blockLines(
  node: MapNode | SeqNode,
  indent: number,
  path: YamlPathSegment[],
  rewrite: Rewrite,
  spacer: boolean,
): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  const children: [string, YamlNode, YamlPathSegment][] =
    node.kind === "map"
      ? node.entries.map(([k, v]) => [`${k}:`, v, k])
      : node.items.map((item, i) => ["-", item, i]);
  children.forEach(([lead, child, segment], index) => {
    if (spacer && index === 1) lines.push("", `${pad}# between entries`);
    const childPath = [...path, segment];
    if (child.kind === "scalar") {
      const comment = child.comment === undefined ? "" : `  ${child.comment}`;
      lines.push(`${pad}${lead} ${scalarText(child, rewrite(child.value, childPath))}${comment}`);
    } else if (child.flow) {
      lines.push(`${pad}${lead} ${flowText(child, childPath, rewrite)}`);
    } else {
      lines.push(`${pad}${lead}`, ...blockLines(child, indent + 2, childPath, rewrite, spacer));
    }
  });
  return lines;
}

function emit(model: FileModel, rewrite: (document: number) => Rewrite): string {
  const docs = model.documents.map((doc, index) => {
    const body = doc.flow
      ? [flowText(doc, [], rewrite(index))]
      : blockLines(doc, 0, [], rewrite(index), model.spacer);
    return `${body.join("\n")}\n${model.endMarkers ? "...\n" : ""}`;
  });
  let text = (model.leadingMarker ? "---\n" : "") + docs.join("---\n");
  if (!model.finalNewline) text = text.replace(/\n$/, "");
  if (model.crlf) text = text.replaceAll("\n", "\r\n");
  return (model.bom ? "\uFEFF" : "") + text;
}

const unchanged = (): Rewrite => (value) => value;

/** The oracle: rewrite exactly the values of `image` keys that are references to the pushed image. */
function expected(model: FileModel) {
  const changes: { document: number; path: string; segments: YamlPathSegment[]; newValue: string }[] = [];
  const text = emit(model, (document) => (value, path) => {
    const next = path.at(-1) === "image" ? REWRITES.get(value) : undefined;
    if (next === undefined) return value;
    changes.push({ document, path: formatYamlPath(path), segments: [...path], newValue: next });
    return next;
  });
  return { text, changes };
}

/** Parsed values; the BOM is dropped first because the yaml lexer misreads `\uFEFF- a`. */
function values(text: string): unknown[] {
  return parseAllDocuments(text.replace(/^\uFEFF/, "")).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as unknown;
  });
}

function setAt(root: unknown, segments: readonly YamlPathSegment[], value: string): void {
  let node = root as Record<string | number, unknown>;
  segments.slice(0, -1).forEach((segment) => {
    node = node[segment] as Record<string | number, unknown>;
  });
  const last = segments.at(-1);
  if (last !== undefined) node[last] = value;
}

describe("editImageTags properties", () => {
  it("leaves files byte-identical when no reference matches (a registry the file does not use)", () => {
    fc.assert(
      fc.property(fileArb, (model) => {
        const text = emit(model, unchanged);
        const outcome = editImageTags("f.yaml", text, { ...EDIT, registries: ["unused.example"] });
        expect(outcome).toEqual({ kind: "edited", text, changes: [] });
      }),
      RUNS,
    );
  });

  it("changes only the targeted scalars, byte-exact elsewhere, and only their values", () => {
    fc.assert(
      fc.property(fileArb, (model) => {
        const before = emit(model, unchanged);
        const oracle = expected(model);
        const outcome = editImageTags("f.yaml", before, EDIT);
        if (outcome.kind !== "edited") throw new Error(`unexpected ${JSON.stringify(outcome)}`);
        expect(outcome.text).toBe(oracle.text);
        expect(outcome.changes.map((c) => [c.document, c.path, c.newValue]).sort()).toEqual(
          oracle.changes.map((c) => [c.document, c.path, c.newValue]).sort(),
        );

        const oldValues = values(before);
        for (const change of oracle.changes)
          setAt(oldValues[change.document], change.segments, change.newValue);
        expect(values(outcome.text)).toEqual(oldValues);
      }),
      RUNS,
    );
  });

  it("is idempotent: applying the same edit twice changes nothing the second time", () => {
    fc.assert(
      fc.property(fileArb, (model) => {
        const first = editImageTags("f.yaml", emit(model, unchanged), EDIT);
        if (first.kind !== "edited") throw new Error(`unexpected ${JSON.stringify(first)}`);
        expect(editImageTags("f.yaml", first.text, EDIT)).toEqual({
          kind: "edited",
          text: first.text,
          changes: [],
        });
      }),
      RUNS,
    );
  });

  it("writes any valid tag into a plain scalar so it reads back as that string in YAML 1.1 and 1.2", () => {
    const tagArb = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
    fc.assert(
      fc.property(tagArb, fc.boolean(), (tag, crlf) => {
        const eol = crlf ? "\r\n" : "\n";
        const text = `images:${eol}- name: ${IMG}${eol}  newTag: v0-old # keep${eol}`;
        const outcome = editImageTags("k.yaml", text, { ...EDIT, tag });
        if (outcome.kind !== "edited") throw new Error(`unexpected ${JSON.stringify(outcome)}`);
        for (const version of ["1.1", "1.2"] as const) {
          const [doc] = parseAllDocuments(outcome.text, { version });
          expect(doc?.toJS()).toEqual({ images: [{ name: IMG, newTag: tag }] });
        }
        expect(outcome.text.endsWith(` # keep${eol}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
