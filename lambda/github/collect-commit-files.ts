import { isYamlFile } from "../core/index.ts";

/** A blob as the read query selects it (`BlobText`); `text` is null for binary blobs. */
export interface BlobNode {
  readonly oid?: string;
  readonly text?: string | null;
  readonly isTruncated?: boolean;
  /** Selected instead of `text` when the tree is read first (`blobText: false`). */
  readonly byteSize?: number;
}

/** A tree entry as the read query selects it; `object` is `{}` for a directory below the fixed depth. */
export interface EntryNode {
  readonly name?: string;
  readonly type: string;
  readonly mode: number;
  readonly object: (BlobNode & { readonly entries?: readonly EntryNode[] | null }) | null;
}

/** The `... on Commit` selection of a read query's answer. */
export interface CommitNode {
  readonly oid: string;
  readonly [alias: string]: unknown;
}

export interface CollectedFiles {
  /** YAML path → text, for every blob GitHub returned in full. */
  readonly files: Map<string, string>;
  /** Single-file path → text, same rule (the `cN` aliases). */
  readonly singles: Map<string, string>;
  /** Single-file path → what it is when not a regular text file ("a symbolic link"): a config that must be refused. */
  readonly unreadable: Map<string, string>;
  /** Blobs GitHub cut at its GraphQL size limit (and single files it gave no text for): fetch by oid. */
  readonly truncated: { readonly path: string; readonly oid: string; readonly single: boolean }[];
  /** Directories at the depth limit, not expanded: read them with a follow-up query. */
  readonly deepTrees: string[];
  /** YAML blobs listed without text (a tree read first): read them by oid, then file under `path`. */
  readonly unread: { readonly path: string; readonly oid: string; readonly byteSize: number }[];
}

// 0o120000: a symlink's blob is its target path; committing edited text would replace the link.
const SYMLINK_MODE = 0o120000;

/**
 * Flattens one read query answer (see `buildReadQuery`) into files: walks every `rN` root entry
 * down its expanded levels and keeps the `.yaml`/`.yml` blobs, and takes each `cN` single file.
 *
 * Skipped on purpose: symlinks, submodules (`type: "commit"`), binary blobs (`text: null`, they
 * cannot be a manifest heimdall edits) and roots that do not exist (`rN: null`). A root that is itself a
 * YAML blob is kept, like `git ls-files <file>` would list it. Truncated blobs, unexpanded
 * directories and blobs listed without their text (`unread`) are reported, not guessed at. A single file that
 * exists but is not a regular text blob (a symlink, a directory, a submodule, binary content) is reported in
 * `unreadable`, never dropped: a config heimdall cannot read must not pass for no config.
 *
 * @example
 * collectCommitFiles(commit, ["apps/snutt-dev"], [".heimdall.yaml"]);
 * // { files: Map { "apps/snutt-dev/timetable/deployment.yaml" => "…" }, singles: Map {}, truncated: [], deepTrees: [] }
 */
export function collectCommitFiles(
  commit: CommitNode,
  roots: readonly string[],
  singlePaths: readonly string[],
): CollectedFiles {
  const collected: CollectedFiles = {
    files: new Map(),
    singles: new Map(),
    unreadable: new Map(),
    truncated: [],
    deepTrees: [],
    unread: [],
  };

  roots.forEach((root, index) => {
    const node = commit[`r${index}`] as EntryNode | { readonly entries?: readonly EntryNode[] | null } | null;
    if (node === null || node === undefined) return;
    if (root === "") {
      walkEntries((node as { entries?: readonly EntryNode[] | null }).entries ?? [], "", collected);
      return;
    }
    visit(node as EntryNode, root, collected);
  });

  singlePaths.forEach((path, index) => {
    const entry = commit[`c${index}`] as EntryNode | null | undefined;
    if (entry === null || entry === undefined) return;
    const what =
      entry.type === "tree"
        ? "a directory"
        : entry.type !== "blob"
          ? "a submodule"
          : entry.mode === SYMLINK_MODE
            ? "a symbolic link"
            : undefined;
    const blob = entry.object;
    if (what !== undefined) collected.unreadable.set(path, what);
    else if (blob?.isTruncated === true && blob.oid !== undefined) {
      collected.truncated.push({ path, oid: blob.oid, single: true });
    } else if (typeof blob?.text === "string") collected.singles.set(path, blob.text);
    else if (blob?.oid !== undefined) {
      // GitHub has no text for a blob it deems binary: fetch the bytes, so the config is judged on its content
      // exactly as a local checkout's would be.
      collected.truncated.push({ path, oid: blob.oid, single: true });
    } else collected.unreadable.set(path, "binary content (GitHub has no text for it)");
  });
  return collected;
}

function visit(entry: EntryNode, path: string, collected: CollectedFiles): void {
  if (entry.type === "tree") {
    const entries = entry.object?.entries;
    if (Array.isArray(entries)) walkEntries(entries, path, collected);
    else if (entry.object !== null) collected.deepTrees.push(path);
    return;
  }
  if (entry.type !== "blob" || entry.mode === SYMLINK_MODE || !isYamlFile(path)) return;
  const blob = entry.object;
  if (blob === null) return;
  if (blob.isTruncated === true && blob.oid !== undefined) {
    collected.truncated.push({ path, oid: blob.oid, single: false });
  } else if (typeof blob.text === "string") {
    collected.files.set(path, blob.text);
  } else if (blob.text === undefined && typeof blob.byteSize === "number" && blob.oid !== undefined) {
    collected.unread.push({ path, oid: blob.oid, byteSize: blob.byteSize });
  }
}

function walkEntries(entries: readonly EntryNode[], parent: string, collected: CollectedFiles): void {
  for (const entry of entries) {
    if (entry.name === undefined) continue;
    visit(entry, parent === "" ? entry.name : `${parent}/${entry.name}`, collected);
  }
}
