import { CST, type Document, Lexer, type Scalar } from "yaml";
import type { parseManifest } from "./parse-manifest.ts";
import type { Splice } from "./scalar-splice.ts";
import { UnsafeEditError } from "./unsafe-edit-error.ts";

/** One scalar an edit rewrote: the splice made inside its source, and the value it must read as afterwards. */
export interface ScalarEdit {
  /** The document the scalar belongs to (its schema decides how a plain scalar reads). */
  readonly document: Document;
  /** The scalar, parsed with `keepSourceTokens`. */
  readonly node: Scalar;
  readonly splice: Splice;
  /** The whole decoded value it must have after the edit (a block scalar's final line breaks included). */
  readonly value: string;
}

const STR_TAG = "tag:yaml.org,2002:str";
// Lexemes that mark a state change of the lexer and stand for no source text.
const MARKERS = new Set(["\x02", "\x18", "\x1f"]);
const PLAIN = "\x1f";

/**
 * Proves an edit changed nothing but what it meant to, by re-reading the edited text: lexed again, it must
 * give exactly the original lexer tokens (`lexemes`, from {@link parseManifest}; splice offsets count in
 * the original text), except that each token holding a splice is that token with the
 * splice applied — so every document, collection, key, comment, anchor, tag and untouched value is as it
 * was (the parser builds its tree from this token sequence alone) — and each rewritten scalar, resolved
 * from its new source, must read as the promised string: the same decoding the composer applies, a plain
 * scalar checked against its document's schema (`46` would read as a number), an explicit tag other than
 * `!!str` only on a scalar that was a string already.
 *
 * This is the post-edit re-parse the design asks for, done at the cost of one lexer pass instead of a second
 * full parse and a comparison of both documents' values. The pass stops at the first document marker
 * (`---`, `...`) after the last rewrite: the lexer starts afresh there, and the rest is the original text.
 *
 * Throws {@link UnsafeEditError} naming the file and what differs.
 *
 * @example
 * verifyEdit("deploy.yaml", parsed.lexemes, edited, [{ document, node, splice, value: "r/a:2" }]);
 * // returns; throws if anything else moved
 */
export function verifyEdit(
  file: string,
  lexemes: readonly string[],
  edited: string,
  edits: readonly ScalarEdit[],
): void {
  const fail = (what: string): never => {
    throw new UnsafeEditError(
      `refusing to edit ${file}: ${what}; the file was left unchanged — edit it by hand or report this as a heimdall bug`,
    );
  };
  const ordered = [...edits].sort((a, b) => a.splice.start - b.splice.start);
  const rewritten = new Lexer().lex(edited);
  let current = rewritten.next(); // the current token of the edited text
  const take = (): string | undefined => {
    const lexeme = current.done === true ? undefined : current.value;
    current = rewritten.next();
    return lexeme;
  };
  const peek = (): string | undefined => (current.done === true ? undefined : current.value);
  let next = 0; // the first edit not yet matched to a token
  let offset = 0; // where the current original token starts in `text`
  for (let index = 0; index < lexemes.length; index++) {
    const original = lexemes[index] ?? "";
    const width = MARKERS.has(original) ? 0 : original.length;
    const end = offset + width;
    const inside: ScalarEdit[] = [];
    for (let edit = ordered[next]; edit !== undefined && edit.splice.start < end; edit = ordered[++next]) {
      if (edit.splice.start < offset || edit.splice.end > end) {
        fail(`a rewrite crosses a token boundary at offset ${edit.splice.start}`);
      }
      inside.push(edit);
    }
    if (inside.length === 0) {
      // A plain scalar the edit quotes loses the marker that announces a plain scalar (and the reverse).
      if (original === PLAIN && editedAt(ordered, next, lexemes, index, offset) && peek() !== PLAIN) continue;
      if (take() !== original) fail(`the edit changes the YAML structure near offset ${offset}`);
      offset = end;
      // Past the last rewrite, a document marker resets the lexer, and the rest is the original text.
      if (next === ordered.length && isDocumentMarker(original, lexemes[index - 1])) return;
      continue;
    }
    if (peek() === PLAIN && original !== PLAIN) take();
    let expected = original;
    for (const edit of [...inside].reverse()) {
      const { start, end: stop, text: replacement } = edit.splice;
      expected = expected.slice(0, start - offset) + replacement + expected.slice(stop - offset);
    }
    if (take() !== expected) fail(`the edit changes the YAML structure near offset ${offset}`);
    for (const edit of inside) checkValue(edit, original, expected, fail);
    offset = end;
  }
  if (current.done !== true) fail("the edited text has more YAML tokens than the original");
  if (next !== ordered.length) fail("a rewrite lies outside the text");
}

// `---` or `...` as markers (a plain scalar spelled so comes right after the plain-scalar marker).
function isDocumentMarker(lexeme: string, previous: string | undefined): boolean {
  return (lexeme === "---" || lexeme === "...") && previous !== PLAIN;
}

// Whether the token after a plain-scalar marker holds a rewrite.
function editedAt(
  ordered: readonly ScalarEdit[],
  next: number,
  lexemes: readonly string[],
  index: number,
  offset: number,
): boolean {
  const following = lexemes[index + 1];
  const edit = ordered[next];
  return following !== undefined && edit !== undefined && edit.splice.start < offset + following.length;
}

function checkValue(edit: ScalarEdit, original: string, lexeme: string, fail: (what: string) => never): void {
  const token = edit.node.srcToken;
  const isScalarToken =
    token?.type === "scalar" ||
    token?.type === "single-quoted-scalar" ||
    token?.type === "double-quoted-scalar" ||
    token?.type === "block-scalar";
  if (!isScalarToken || token.source !== original)
    fail("a rewrite is not inside the scalar it was meant for");
  let problem: string | undefined;
  const type =
    token.type === "block-scalar"
      ? token.type
      : lexeme.startsWith('"')
        ? "double-quoted-scalar"
        : lexeme.startsWith("'")
          ? "single-quoted-scalar"
          : "scalar";
  const rewritten = { ...token, type, source: lexeme } as CST.FlowScalar | CST.BlockScalar;
  const resolved = CST.resolveAsScalar(rewritten, true, (_offset, _code, message) => {
    problem ??= message;
  });
  if (resolved === null || problem !== undefined) fail(`the rewritten value does not read back (${problem})`);
  if (resolved.value !== edit.value)
    fail(`the rewritten value reads back as ${JSON.stringify(resolved.value)}`);
  const tag = edit.node.tag;
  if (tag !== undefined && tag !== STR_TAG && tag !== "!") {
    if (typeof edit.node.value !== "string")
      fail(`the rewritten value's tag ${tag} does not make it a string`);
    return;
  }
  if (tag === undefined && type === "scalar") {
    const implicit = edit.document.schema.tags.find(
      (candidate) => candidate.default === true && candidate.test?.test(resolved.value),
    );
    if (implicit !== undefined && implicit.tag !== STR_TAG) {
      fail(
        `the rewritten value ${JSON.stringify(resolved.value)} would read as ${implicit.tag}, not a string`,
      );
    }
  }
}
