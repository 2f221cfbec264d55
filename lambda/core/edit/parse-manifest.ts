import { Composer, type CST, type Document, Lexer, LineCounter, Parser } from "yaml";
import { MAX_NESTING_DEPTH } from "./nesting-too-deep-error.ts";

/**
 * A manifest parsed for editing: its documents (with source tokens and ranges; `undefined` for a document
 * that does not mention what the caller looks for, which is never composed), the lexer's tokens (what
 * verification compares the edited text with), and the line index for messages. Or why it cannot be edited:
 * `unparseable` (not YAML), `too-deep` (nesting beyond {@link MAX_NESTING_DEPTH}), `unsupported` (YAML this
 * parser reads differently from Kubernetes' parsers). `line` is 1-based.
 */
export type ParsedManifest =
  | {
      readonly kind: "parsed";
      readonly documents: readonly (Document | undefined)[];
      readonly lexemes: readonly string[];
      readonly lines: LineCounter;
      /** 1-based lines that hold a `# heimdall:pin` comment. */
      readonly pinnedLines: ReadonlySet<number>;
    }
  | {
      readonly kind: "unparseable" | "too-deep" | "unsupported";
      readonly line: number;
      readonly message: string;
    };

const COMPOSE_OPTIONS = { keepSourceTokens: true, uniqueKeys: true, logLevel: "silent" } as const;
const BOM = 0xfeff;
const HASH = 0x23;
// A comment that starts with `heimdall:pin` (a reason may follow): `# heimdall:pin until INC-42 is fixed`.
const PIN = /^#\s*heimdall:pin(?![\w:-])/;

/**
 * Parses `text` (without a leading byte order mark) the way `parseAllDocuments` would, in stages, so that
 * hostile input is refused before it costs more than its size: the lexer and the CST parser run without
 * recursion, and parsing stops as soon as the CST nests deeper than {@link MAX_NESTING_DEPTH} — only then
 * does the recursive composer run.
 *
 * Only documents whose source contains `mention` are composed (aliases never cross documents, so the
 * others cannot matter to an edit of it); the rest are `undefined`, never edited, and errors inside them
 * (duplicate keys, a broken indentation) are not looked for.
 *
 * Lines holding a comment that starts with `heimdall:pin` are collected as `pinnedLines`.
 *
 * A byte order mark that starts a line inside the file is refused as `unsupported`: Kubernetes' YAML
 * readers skip it there, while this parser would read it as part of a key (`\uFEFFimage`) and miss the
 * reference. One the lexer reads as a byte order mark (before `---`) is fine.
 *
 * @example
 * parseManifest("image: reg.example/ns/app:1\n", "ns/app"); // { kind: "parsed", documents: [Document], … }
 * parseManifest(`a: ${"[".repeat(5000)}`, "ns/app");         // { kind: "too-deep", line: 1, message: "…" }
 */
export function parseManifest(text: string, mention: string): ParsedManifest {
  const lines = new LineCounter();
  lines.addNewLine(0);
  const parser = new Parser(lines.addNewLine);
  const lexemes: string[] = [];
  const tokens: CST.Token[] = [];
  const pinnedLines = new Set<number>();
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    if (lexeme.length > 1 && lexeme.charCodeAt(0) === BOM && atLineStart(text, offset)) {
      return {
        kind: "unsupported",
        line: lines.linePos(offset).line,
        message: `a byte order mark (U+FEFF) starts line ${lines.linePos(offset).line} inside the file; heimdall reads it differently from Kubernetes — remove it (only the first byte of a file may be one)`,
      };
    }
    if (lexeme.charCodeAt(0) === HASH && PIN.test(lexeme)) pinnedLines.add(lines.linePos(offset).line);
    lexemes.push(lexeme);
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING_DEPTH) {
      const line = lines.linePos(parser.offset).line;
      return {
        kind: "too-deep",
        line,
        message: `collections nest more than ${MAX_NESTING_DEPTH} levels deep (at line ${line})`,
      };
    }
  }
  for (const token of parser.end()) tokens.push(token);

  const stubbed: boolean[] = [];
  const composed = tokens.map((token, index) => {
    if (token.type !== "document") return token;
    const mentioned = mentions(text, mention, token.offset, nextStart(tokens, index, text));
    stubbed.push(!mentioned);
    if (mentioned) return token;
    // A stand-in keeps the document count, indexes and directives as they are without composing the body.
    const stub: CST.Document = {
      type: "document",
      offset: token.offset,
      start: token.start.filter(isDocStart),
    };
    return stub;
  });
  const all = [...new Composer(COMPOSE_OPTIONS).compose(composed)];
  // Stand-ins are checked too: errors the parser found between documents land on them.
  for (const document of all) {
    const error = document.errors[0];
    if (error !== undefined) {
      const { line, col } = lines.linePos(Math.max(0, error.pos[0]));
      return {
        kind: "unparseable",
        line,
        message: `${firstLine(error.message)} at line ${line}, column ${col}`,
      };
    }
  }
  const documents = all.map((document, index) => (stubbed[index] === true ? undefined : document));
  return { kind: "parsed", documents, lexemes, lines, pinnedLines };
}

// A document runs until the next directive or document starts.
function nextStart(tokens: readonly CST.Token[], index: number, text: string): number {
  for (let next = index + 1; next < tokens.length; next++) {
    const token = tokens[next];
    if (token?.type === "document" || token?.type === "directive") return token.offset;
  }
  return text.length;
}

function mentions(text: string, mention: string, start: number, end: number): boolean {
  const at = text.indexOf(mention, start);
  return at !== -1 && at + mention.length <= end;
}

function isDocStart(token: CST.SourceToken): boolean {
  return token.type === "doc-start";
}

function atLineStart(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  return offset === 0 || before === 10 || before === 13;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
