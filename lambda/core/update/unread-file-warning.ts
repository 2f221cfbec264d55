import type { UpdateWarning } from "./update-warning.ts";

/**
 * Why a manifest that mentions the pushed image must not even be parsed, as a warning; `undefined` when it
 * may be. `too-large`: more than `maxFileBytes` UTF-8 bytes (parsing cost and memory grow with size, and a
 * repository's files are hostile until bounded). `not-utf8`: it holds U+FFFD, what an invalid byte decodes
 * to, so writing the text back would corrupt those bytes.
 *
 * @example
 * unreadFileWarning("apps/a/big.yaml", text, 1_048_576);
 * // { code: "too-large", file: "apps/a/big.yaml", message: "skipped apps/a/big.yaml: 5242880 bytes, over the limit of 1048576 bytes — …" }
 */
export function unreadFileWarning(
  path: string,
  text: string,
  maxFileBytes: number,
): UpdateWarning | undefined {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes (a surrogate pair, two units, is 4): count only when it matters.
  if (text.length > maxFileBytes || (text.length * 3 > maxFileBytes && utf8Length(text) > maxFileBytes)) {
    return {
      code: "too-large",
      file: path,
      message: `skipped ${path}: ${utf8Length(text)} bytes, over the limit of ${maxFileBytes} bytes — heimdall does not parse files that large`,
    };
  }
  if (text.includes("\uFFFD")) {
    return {
      code: "not-utf8",
      file: path,
      message: `skipped ${path}: not valid UTF-8 (it holds U+FFFD) — heimdall only edits UTF-8 files, to keep every other byte`,
    };
  }
  return undefined;
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 2;
      i++;
    } else if (unit >= 0x800) bytes += 2;
    else if (unit >= 0x80) bytes += 1;
  }
  return bytes;
}
