import type { Document, Scalar } from "yaml";
import { AliasExpansionError } from "./alias-expansion-error.ts";
import { findImageTargets, type ImageTarget } from "./find-image-targets.ts";
import type { ImageEdit } from "./image-edit.ts";
import type { ManifestChange } from "./manifest-change.ts";
import { NestingTooDeepError } from "./nesting-too-deep-error.ts";
import { parseManifest } from "./parse-manifest.ts";
import type { PinnedReference } from "./pinned-reference.ts";
import { type Splice, scalarSplice } from "./scalar-splice.ts";
import { UnsafeEditError } from "./unsafe-edit-error.ts";
import { type ScalarEdit, verifyEdit } from "./verify-edit.ts";
import { formatYamlPath } from "./yaml-path.ts";

/**
 * `edited`: the new text and what changed (`changes` empty ⇒ `text` is the input, untouched), and the
 * references a pin comment kept.
 * The file was not edited, and `line` (1-based) and `message` say where and why:
 * `unparseable`: not valid YAML (a Helm template, broken indentation, duplicate keys, an alias bomb…);
 * `too-deep`: collections nest deeper than heimdall walks safely;
 * `unsupported`: a reference is written in a form heimdall cannot rewrite exactly, or the file holds a
 * byte order mark that Kubernetes' YAML readers and heimdall's read differently.
 */
export type EditOutcome =
  | {
      readonly kind: "edited";
      readonly text: string;
      readonly changes: readonly ManifestChange[];
      /** References a `# heimdall:pin` comment kept as they are; absent when there are none. */
      readonly pinned?: readonly PinnedReference[];
    }
  | {
      readonly kind: "unparseable" | "too-deep" | "unsupported";
      readonly line: number;
      readonly message: string;
    };

/**
 * Rewrites every reference to the pushed image in one YAML file, formatting-exact: only the
 * characters of the rewritten scalars change — quotes, comments, indentation, blank lines, CRLF,
 * BOM, `---`/`...` and a missing final newline all stay. The document is never re-serialized;
 * scalar source ranges are spliced.
 *
 * Rewritten: the value of any `image` key (through aliases too), kustomize `images:` entries
 * (`newTag`, and `digest` when present) and Helm-style `repository:` + `tag:` pairs — only for
 * `registries` × `repository` exactly (`ns/app-worker`, `other/ns/app` and other registries are
 * not touched). A digest-pinned reference — or tag field, `tag: 1.4@sha256:…` — gets the new tag and
 * digest; an untagged one gets the tag. A value already equal to the new one is left alone, so a
 * duplicate event changes nothing. A double-quoted value keeps its escapes up to where it changes; a
 * one-line block scalar keeps its header and final line breaks.
 *
 * Files it will not edit come back as `unparseable`, `too-deep` or `unsupported` with a line and a
 * reason (see {@link EditOutcome}); nesting is bounded while parsing, before anything recursive runs.
 *
 * Fast path: a text that does not contain `edit.imageRepository` is returned unparsed. This is exact, not
 * a heuristic: a scalar only matches when its *source* spells the repository (an escaped or
 * line-folded spelling is deliberately not matched), so no such text can produce a change.
 *
 * Throws `UnsafeEditError` when re-parsing the result shows any difference besides the intended
 * values (a safety net: it means a bug, and the file must not be written).
 *
 * @example
 * editImageTags("deploy.yaml", "image: 405906814034.dkr.ecr.ap-northeast-2.amazonaws.com/snutt-dev/snutt-timetable:45 # app\n", {
 *   registries: ["405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"],
 *   imageRepository: "snutt-dev/snutt-timetable", tag: "46", digest: "sha256:…",
 * });
 * // { kind: "edited", text: "image: 405906814034.dkr.ecr.ap-northeast-2.amazonaws.com/snutt-dev/snutt-timetable:46 # app\n",
 * //   changes: [{ file: "deploy.yaml", document: 0, path: "image", oldValue: "…:45", newValue: "…:46",
 * //     field: "image", matcher: "image-key", from: { tag: "45", digest: undefined }, to: { tag: "46", digest: undefined } }] }
 */
export function editImageTags(file: string, text: string, edit: ImageEdit): EditOutcome {
  if (!text.includes(edit.imageRepository)) return { kind: "edited", text, changes: [] };
  // The yaml lexer counts a leading BOM as indentation (`\uFEFF- a` fails to parse), so parse and
  // splice the text after it and put it back unchanged.
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const outcome = editBody(file, text.slice(bom.length), edit);
  if (outcome.kind !== "edited") return outcome;
  return { ...outcome, text: outcome.changes.length === 0 ? text : bom + outcome.text };
}

function editBody(file: string, text: string, edit: ImageEdit): EditOutcome {
  const parsed = parseManifest(text, edit.imageRepository);
  if (parsed.kind !== "parsed") return parsed;

  const { lines, pinnedLines } = parsed;
  const isPinned = (node: Scalar): boolean => {
    if (pinnedLines.size === 0 || !node.range) return false;
    for (let line = lines.linePos(node.range[0]).line; line <= lines.linePos(node.range[1]).line; line++) {
      if (pinnedLines.has(line)) return true;
    }
    return false;
  };
  const targets: { index: number; document: Document; target: ImageTarget }[] = [];
  const pinned: PinnedReference[] = [];
  try {
    parsed.documents.forEach((document, index) => {
      if (document === undefined) return;
      const found = findImageTargets(document, text, edit, isPinned);
      for (const target of found.targets) targets.push({ index, document, target });
      for (const held of found.pinned) {
        for (const path of new Set(held.reachedAt.map(formatYamlPath)))
          pinned.push({ file, document: index, path, value: held.oldValue });
      }
    });
  } catch (error) {
    if (error instanceof AliasExpansionError) return { kind: "unparseable", line: 1, message: error.message };
    if (error instanceof NestingTooDeepError) return { kind: "too-deep", line: 1, message: error.message };
    throw error;
  }
  const held = pinned.length === 0 ? {} : { pinned };
  if (targets.length === 0) return { kind: "edited", text, changes: [], ...held };

  const edits: ScalarEdit[] = [];
  for (const { document, target } of targets) {
    const splice = scalarSplice(text, target.node, target.newValue);
    if (splice === undefined) {
      const line = parsed.lines.linePos(target.node.range?.[0] ?? 0).line;
      return {
        kind: "unsupported",
        line,
        message: `the value at ${formatYamlPath(target.path)} (line ${line}) is written in a form heimdall cannot rewrite exactly (a multi-line block scalar, or escapes it cannot follow); write it as a one-line scalar`,
      };
    }
    // A block scalar's final line breaks are not part of the reference, but they are part of its value.
    const value = target.node.value;
    const breaks =
      typeof value === "string" && value.startsWith(target.oldValue)
        ? value.slice(target.oldValue.length)
        : "";
    edits.push({ document, node: target.node, splice, value: target.newValue + breaks });
  }
  const edited = applySplices(
    file,
    text,
    edits.map((scalar) => scalar.splice),
  );
  verifyEdit(file, parsed.lexemes, edited, edits);

  // An anchored scalar changes at every path that reaches it (the anchor and each alias, even under
  // keys that are not images): report them all, so the commit and logs say everything that moved. A
  // merged value is reported where a merging reader sees it (`app.image`, not `app["<<"].image`).
  const changes = targets
    .sort((a, b) => (a.target.node.range?.[0] ?? 0) - (b.target.node.range?.[0] ?? 0))
    .flatMap(({ index: document, target }) =>
      [...new Set(target.reachedAt.map(formatYamlPath))].map(
        (path): ManifestChange => ({
          file,
          document,
          path,
          oldValue: target.oldValue,
          newValue: target.newValue,
          field: target.field,
          matcher: target.matcher,
          from: target.from,
          to: target.to,
        }),
      ),
    );
  return { kind: "edited", text: edited, changes, ...held };
}

function applySplices(file: string, text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => a.start - b.start);
  let result = "";
  let at = 0;
  for (const splice of ordered) {
    if (splice.start < at) {
      throw new UnsafeEditError(
        `refusing to edit ${file}: two rewrites overlap at offset ${splice.start}; edit it by hand`,
      );
    }
    result += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  return result + text.slice(at);
}
