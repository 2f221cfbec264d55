/** A run of a double-quoted scalar's source (`start`/`end`, offsets into it) and the text it decodes to. */
export interface DecodedUnit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

// YAML 1.2 §5.7 escapes, one character after the backslash.
const SINGLE_ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPE_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Splits the source of a double-quoted scalar (`"…"`, quotes included) into units that each decode on their
 * own: a character, an escape (`\x34`, `\u00e9`, `\"`…), a folded line break with the white space around it,
 * or an escaped line break (`\` at the end of a line). Concatenated, the units' text is the scalar's value,
 * so an edit can replace the units of what changes and keep every other byte as written.
 *
 * Returns `undefined` for source it does not understand (an unknown escape, a missing closing quote); the
 * caller then refuses the edit rather than guess. Callers also compare the result with the parser's value.
 *
 * @example
 * decodeDoubleQuoted('"a\\x34"'); // [{ start: 1, end: 2, text: "a" }, { start: 2, end: 6, text: "4" }]
 */
export function decodeDoubleQuoted(source: string): DecodedUnit[] | undefined {
  const close = source.length - 1;
  if (source[0] !== '"' || source[close] !== '"' || close < 1) return undefined;
  const units: DecodedUnit[] = [];
  let at = 1;
  while (at < close) {
    const char = source[at] ?? "";
    if (char === "\\") {
      const unit = escapeAt(source, at, close);
      if (unit === undefined) return undefined;
      units.push(unit);
      at = unit.end;
      continue;
    }
    const white = skipWhite(source, at);
    if (isBreak(source, white) && white < close) {
      // Trailing white space, the break, empty lines and the next line's indentation fold together.
      const { end, emptyLines } = foldAfterBreak(source, white);
      units.push({ start: at, end, text: emptyLines === 0 ? " " : "\n".repeat(emptyLines) });
      at = end;
      continue;
    }
    const width = (source.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
    units.push({ start: at, end: at + width, text: source.slice(at, at + width) });
    at += width;
  }
  return units;
}

function escapeAt(source: string, at: number, close: number): DecodedUnit | undefined {
  const code = source[at + 1] ?? "";
  if (isBreak(source, at + 1)) {
    // An escaped line break joins the lines: nothing of it is kept but the empty lines after it.
    const { end, emptyLines } = foldAfterBreak(source, at + 1);
    return end > close ? undefined : { start: at, end, text: "\n".repeat(emptyLines) };
  }
  const single = SINGLE_ESCAPES[code];
  if (single !== undefined) return { start: at, end: at + 2, text: single };
  const length = HEX_ESCAPE_LENGTH[code];
  if (length === undefined) return undefined;
  const hex = source.slice(at + 2, at + 2 + length);
  if (hex.length !== length || !HEX.test(hex)) return undefined;
  const point = Number.parseInt(hex, 16);
  if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
  return { start: at, end: at + 2 + length, text: String.fromCodePoint(point) };
}

// From a line break: past it, past any lines holding only white space (counted), and past the indentation
// of the next line with content.
function foldAfterBreak(source: string, at: number): { end: number; emptyLines: number } {
  let end = skipBreak(source, at);
  let emptyLines = 0;
  for (;;) {
    const white = skipWhite(source, end);
    if (!isBreak(source, white)) return { end: white, emptyLines };
    emptyLines++;
    end = skipBreak(source, white);
  }
}

function skipWhite(source: string, at: number): number {
  let end = at;
  while (source[end] === " " || source[end] === "\t") end++;
  return end;
}

function isBreak(source: string, at: number): boolean {
  return source[at] === "\n" || source[at] === "\r";
}

function skipBreak(source: string, at: number): number {
  return source[at] === "\r" && source[at + 1] === "\n" ? at + 2 : at + 1;
}
