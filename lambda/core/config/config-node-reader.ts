import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { InvalidConfigError } from "./invalid-config-error.ts";

/** A YAML node whose source position is known, as the `yaml` package builds them. */
interface Positioned {
  readonly range?: readonly [number, number, number] | null;
}

/** One entry of a mapping: its key node (for the line of "unknown key" errors) and its value node. */
export interface ConfigEntry {
  readonly keyNode: unknown;
  readonly value: unknown;
}

/**
 * Reads a config file's YAML nodes (parsed with the failsafe schema, so every scalar is a string)
 * and turns every mismatch into an `InvalidConfigError` that names the file, the line and the key
 * path, e.g. `.heimdall.yaml:7: targets[1].tags: …`.
 *
 * @example
 * const reader = new ConfigNodeReader(".heimdall.yaml", lineCounter);
 * const top = reader.map(doc.contents, undefined, ["version", "targets"]);
 */
export class ConfigNodeReader {
  /**
   * Parses `text` as a single YAML document with the failsafe schema. A syntax error (including a
   * second document or a duplicate key) throws `InvalidConfigError` with its line and a hint.
   * `contents` is `null` for an empty file.
   */
  static parse(file: string, text: string): { reader: ConfigNodeReader; contents: unknown } {
    refuseNonText(file, text);
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, schema: "failsafe" });
    const syntax = doc.errors[0];
    if (syntax !== undefined) {
      const line = lines.linePos(syntax.pos[0]).line;
      const detail = (syntax.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      const message = `${file}:${line}: YAML syntax error: ${detail}; ${syntaxHint(syntax.code)}`;
      throw new InvalidConfigError(message, file, line, undefined, { cause: syntax });
    }
    return { reader: new ConfigNodeReader(file, lines), contents: doc.contents };
  }

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** The 1-based line `node` starts on, when it has a position. */
  lineOf(node: unknown): number | undefined {
    const range = (node as Positioned | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }

  /** Throws the `InvalidConfigError` for `node` (or `line` when the node has no position). */
  fail(node: unknown, key: string | undefined, message: string, line?: number): never {
    const at = this.lineOf(node) ?? line;
    const where = at === undefined ? this.file : `${this.file}:${at}`;
    const text = key === undefined ? `${where}: ${message}` : `${where}: ${key}: ${message}`;
    throw new InvalidConfigError(text, this.file, at, key);
  }

  /**
   * Reads a mapping whose keys must all be in `allowed`. Returns the entries by key; an unknown key
   * fails on its own line with the allowed keys (and the closest one, for typos).
   */
  map(node: unknown, key: string | undefined, allowed: readonly string[]): ReadonlyMap<string, ConfigEntry> {
    this.refuseAlias(node, key);
    if (!isMap(node)) this.fail(node, key, `must be a mapping with the keys ${allowed.join(", ")}`);
    const entries = new Map<string, ConfigEntry>();
    for (const pair of node.items) {
      this.refuseAlias(pair.key, key);
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const path = name === undefined ? key : joinKey(key, name);
      if (name === undefined || !allowed.includes(name)) {
        const guess = name === undefined ? undefined : closest(name, allowed);
        const hint = guess === undefined ? "" : ` (did you mean '${guess}'?)`;
        this.fail(pair.key, path, `unknown key${hint}; allowed keys are ${allowed.join(", ")}`);
      }
      entries.set(name, { keyNode: pair.key, value: pair.value });
    }
    return entries;
  }

  /** Reads a non-empty string. `keyNode` locates the error when the value is missing. */
  string(entry: ConfigEntry, key: string): string {
    this.refuseAlias(entry.value, key);
    const node = entry.value;
    if (!isScalar(node) || node.value === null || node.value === undefined) {
      const got = isMap(node) ? "a mapping" : isSeq(node) ? "a list" : "nothing";
      this.fail(node ?? entry.keyNode, key, `must be a string, got ${got}`, this.lineOf(entry.keyNode));
    }
    const value = String(node.value);
    if (value.trim() === "") this.fail(node, key, "must not be empty");
    return value;
  }

  /**
   * Reads one of `allowed` (an enum such as `fallback: none`); anything else fails with the allowed
   * values, e.g. `must be 'convention' or 'none', got 'never'`.
   */
  oneOf<T extends string>(entry: ConfigEntry, key: string, allowed: readonly T[]): T {
    const value = this.string(entry, key);
    if (!(allowed as readonly string[]).includes(value)) {
      const quoted = allowed.map((item) => `'${item}'`);
      const choices =
        quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
      this.fail(entry.value, key, `must be ${choices}, got '${value}'`);
    }
    return value as T;
  }

  /** Reads `true` or `false` (unquoted or quoted: the failsafe schema reads both as strings). */
  boolean(entry: ConfigEntry, key: string): boolean {
    return this.oneOf(entry, key, ["true", "false"]) === "true";
  }

  /** Reads a non-empty list of non-empty strings; `item(value, node, key)` validates each. */
  stringList<T>(
    entry: ConfigEntry,
    key: string,
    item: (value: string, node: unknown, key: string) => T,
  ): T[] {
    this.refuseAlias(entry.value, key);
    const node = entry.value;
    if (!isSeq(node)) {
      const example = `${lastKey(key)}: ['…']`;
      this.fail(node ?? entry.keyNode, key, `must be a list, e.g. ${example}`, this.lineOf(entry.keyNode));
    }
    if (node.items.length === 0)
      this.fail(node, key, "must not be an empty list; remove the key or add items");
    return node.items.map((child, index) => {
      const childKey = `${key}[${index}]`;
      const value = this.string({ keyNode: node, value: child }, childKey);
      return item(value, child, childKey);
    });
  }

  /** Reads a non-empty list of mappings, each with its node and its own key path (`targets[1]`). */
  mapList(
    entry: ConfigEntry,
    key: string,
    allowed: readonly string[],
  ): { node: unknown; key: string; entries: ReadonlyMap<string, ConfigEntry> }[] {
    this.refuseAlias(entry.value, key);
    const node = entry.value;
    if (!isSeq(node))
      this.fail(node ?? entry.keyNode, key, "must be a list of mappings", this.lineOf(entry.keyNode));
    if (node.items.length === 0)
      this.fail(node, key, "must not be an empty list; remove the key or add items");
    return node.items.map((child, index) => {
      const childKey = `${key}[${index}]`;
      return { node: child, key: childKey, entries: this.map(child, childKey, allowed) };
    });
  }

  // An unquoted value starting with `*` (a glob like `**/*.yaml`) is a YAML alias, not a string.
  private refuseAlias(node: unknown, key: string | undefined): void {
    if (isAlias(node)) {
      this.fail(
        node,
        key,
        `'*${node.source}' is read as a YAML alias; quote values that start with '*', e.g. '*${node.source}'`,
      );
    }
  }
}

function joinKey(parent: string | undefined, name: string): string {
  return parent === undefined ? name : `${parent}.${name}`;
}

function lastKey(key: string): string {
  return key.slice(key.lastIndexOf(".") + 1).replace(/\[\d+\]$/, "");
}

/** The allowed key within edit distance 2 of `name` (case-insensitive), if any. */
function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of allowed) {
    const distance = editDistance(name.toLowerCase(), key.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function syntaxHint(code: string): string {
  switch (code) {
    case "BAD_DQ_ESCAPE":
      return "in double quotes '\\' starts an escape, so write regular expressions in single quotes: tags: '^v\\d+$'";
    case "MULTIPLE_DOCS":
      return "the config must be a single YAML document; remove the '---' separators";
    case "DUPLICATE_KEY":
      return "each key may appear once; merge the duplicates";
    default:
      return "fix the YAML at that line";
  }
}

// A NUL byte means binary content; U+FFFD is what a byte that is not UTF-8 decodes to. Either way the file
// is not the UTF-8 text heimdall reads its config from, whatever YAML would make of it.
function refuseNonText(file: string, text: string): void {
  for (const [character, what] of [
    ["\0", "is not text (it holds a NUL byte)"],
    ["\uFFFD", "is not valid UTF-8 (it holds U+FFFD, what a byte that is not UTF-8 reads as)"],
  ] as const) {
    const at = text.indexOf(character);
    if (at === -1) continue;
    const line = text.slice(0, at).split("\n").length;
    throw new InvalidConfigError(
      `${file}:${line}: ${what} — heimdall reads its config only from a regular UTF-8 text file; save it as UTF-8 text`,
      file,
      line,
      undefined,
    );
  }
}
