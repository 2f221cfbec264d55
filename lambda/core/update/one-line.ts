// Control characters (C0, DEL, C1), Unicode line separators and bidirectional overrides/isolates.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu;

/**
 * Text from outside (image labels, event ids) made safe for one line of a commit message, a log line or a
 * chat message: newlines that could forge commit trailers, ANSI escapes and direction overrides become one
 * space per run, the result is trimmed and cut to `maxLength` characters (an ellipsis marks the cut).
 *
 * @example
 * oneLine("abc\nSigned-off-by: mallory", 80); // "abc Signed-off-by: mallory"
 * oneLine("x".repeat(300), 10); // "xxxxxxxxx…"
 */
export function oneLine(text: string, maxLength: number): string {
  const flat = text.replace(UNSAFE, " ").trim();
  return flat.length > maxLength ? `${flat.slice(0, Math.max(0, maxLength - 1))}…` : flat;
}
