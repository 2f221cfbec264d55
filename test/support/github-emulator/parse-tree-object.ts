/** One entry of a git tree. */
export interface GitTreeEntry {
  /** Octal mode as git prints it, e.g. `100644`, `040000`. */
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly oid: string;
  /** Blob size in bytes; 0 for trees and submodules. */
  readonly size: number;
  readonly name: string;
}

/**
 * Parses a raw tree object (`git cat-file tree`): repeated "<octal mode> <name>\0<20-byte oid>".
 * Git writes directory modes as `40000`; they come back padded (`040000`) as `ls-tree` prints them.
 * Sizes are not part of a tree object, so entries come without them.
 *
 * @example
 * parseTreeObject(bytes); // [{ mode: "100644", type: "blob", oid: "3b18…", name: "a.yaml" }]
 */
export function parseTreeObject(bytes: Buffer): Omit<GitTreeEntry, "size">[] {
  const entries: Omit<GitTreeEntry, "size">[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const space = bytes.indexOf(0x20, offset);
    const nul = bytes.indexOf(0, space);
    const mode = bytes.subarray(offset, space).toString("ascii").padStart(6, "0");
    const name = bytes.subarray(space + 1, nul).toString("utf8");
    const oid = bytes.subarray(nul + 1, nul + 21).toString("hex");
    offset = nul + 21;
    const type = mode === "040000" ? "tree" : mode === "160000" ? "commit" : "blob";
    entries.push({ mode, type, oid, name });
  }
  return entries;
}
