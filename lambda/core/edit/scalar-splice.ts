import { Scalar } from "yaml";
import { decodeDoubleQuoted } from "./double-quoted-units.ts";
import { readsAsPlainString } from "./reads-as-plain-string.ts";

/** Replace `source.slice(start, end)` with `text`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The smallest source edit that makes the parsed `node` read as `value`, keeping its quoting style:
 * plain stays plain (or becomes double-quoted when the plain form would read as a number, boolean,
 * timestamp… under YAML 1.2 or 1.1), single stays single, double stays double. A double-quoted scalar
 * keeps its source up to where the value changes, escapes and line continuations included; only the rest
 * is written anew. A block scalar keeps its header, indentation and final line breaks; only its one
 * content line is replaced (`value` is then the line, without the breaks). Everything outside the
 * returned range — trailing comment, spacing, line ending — stays byte-identical.
 *
 * Returns `undefined` when the scalar cannot be rewritten in place (a multi-line block scalar, a
 * double-quoted scalar whose escapes it cannot follow); the caller skips the file with a warning.
 *
 * @example
 * // source "tag: 45  # pinned\n", node = the scalar 45
 * scalarSplice(source, node, "1.20"); // { start: 5, end: 7, text: '"1.20"' }
 */
export function scalarSplice(source: string, node: Scalar, value: string): Splice | undefined {
  if (node.range === undefined || node.range === null) return undefined;
  const [start, end] = node.range;
  switch (node.type) {
    case Scalar.QUOTE_SINGLE:
      return { start, end, text: `'${value.replaceAll("'", "''")}'` };
    case Scalar.QUOTE_DOUBLE:
      return doubleQuotedSplice({ source, start, end, value: node.value }, value);
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED:
      return blockSplice({ source, start, end, value: node.value }, value);
    default:
      return {
        start,
        end,
        text: readsAsPlainString(value) && plainSafe(value) ? value : JSON.stringify(value),
      };
  }
}

// Characters that would end or change a plain scalar in block or flow context.
function plainSafe(value: string): boolean {
  return /^[A-Za-z0-9_./+-][A-Za-z0-9_./@:+-]*$/.test(value) && !value.includes(": ") && !value.endsWith(":");
}

/** A scalar in its source: where it is, and the value the parser read from it. */
interface SourcedScalar {
  readonly source: string;
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
}

function doubleQuotedSplice(
  { source, start, end, value: old }: SourcedScalar,
  value: string,
): Splice | undefined {
  const units = decodeDoubleQuoted(source.slice(start, end));
  if (units === undefined || typeof old !== "string") return undefined;
  if (units.map((unit) => unit.text).join("") !== old) return undefined;
  let same = 0;
  while (same < old.length && same < value.length && old[same] === value[same]) same++;
  // Keep whole units up to where the value first differs.
  let kept = 0;
  let from = end - 1; // the closing quote
  for (const unit of units) {
    if (kept + unit.text.length > same) {
      from = start + unit.start;
      break;
    }
    kept += unit.text.length;
  }
  // JSON string escapes are all valid YAML double-quoted escapes.
  return { start: from, end: end - 1, text: JSON.stringify(value.slice(kept)).slice(1, -1) };
}

function blockSplice(
  { source, start, end, value: parsed }: SourcedScalar,
  value: string,
): Splice | undefined {
  const old = typeof parsed === "string" ? parsed.replace(/\n+$/, "") : undefined;
  if (old === undefined || old === "" || old.includes("\n") || value.includes("\n")) return undefined;
  const header = source.indexOf("\n", start);
  if (header === -1 || header >= end) return undefined;
  const body = source.slice(header + 1, end);
  const at = body.indexOf(old);
  if (at === -1 || body.indexOf(old, at + 1) !== -1) return undefined;
  const from = header + 1 + at;
  return { start: from, end: from + old.length, text: value };
}
