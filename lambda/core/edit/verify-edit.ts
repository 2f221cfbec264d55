import type { Document } from "yaml";
import { UnsafeEditError } from "./unsafe-edit-error.ts";
import { formatYamlPath, type YamlPathSegment } from "./yaml-path.ts";

/** A value the edit is allowed to change: at `path` in document `document`, from `oldValue` to `newValue`. */
export interface AllowedChange {
  readonly document: number;
  readonly path: readonly YamlPathSegment[];
  /** The decoded old value exactly as the parser produced it (a tag may have been the number 45). */
  readonly oldValue: unknown;
  readonly newValue: string;
}

const TO_JS = { maxAliasCount: -1 } as const;

/**
 * Proves an edit changed nothing but what it meant to: `after` (the re-parsed edited text) must have
 * as many documents as `before`, no parse errors, and — walking both documents' values in parallel,
 * aliases resolved — differ only at `allowed` paths, each going from its old to its new value.
 * Comments are not compared: edits only ever replace scalar source, never comment text.
 *
 * Throws {@link UnsafeEditError} naming the file and the first path that differs otherwise.
 *
 * @example
 * verifyEdit("deploy.yaml", parseAllDocuments(before), parseAllDocuments(after), [
 *   { document: 0, path: ["spec", "containers", 0, "image"], oldValue: "r/a:1", newValue: "r/a:2" },
 * ]); // returns; throws if anything else moved
 */
export function verifyEdit(
  file: string,
  before: readonly Document[],
  after: readonly Document[],
  allowed: readonly AllowedChange[],
): void {
  const fail = (what: string): never => {
    throw new UnsafeEditError(
      `refusing to edit ${file}: ${what}; the file was left unchanged — edit it by hand or report this as a heimdall bug`,
    );
  };
  if (before.length !== after.length) {
    fail(`the edit turned ${before.length} YAML documents into ${after.length}`);
  }
  const byPath = new Map(allowed.map((change) => [key(change.document, change.path), change]));

  after.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error !== undefined) fail(`the edited text no longer parses (${error.message.split("\n")[0]})`);
    const old = before[index]?.toJS(TO_JS) as unknown;
    const next = doc.toJS(TO_JS) as unknown;
    const seen = new Set<unknown>();

    const compare = (a: unknown, b: unknown, path: YamlPathSegment[]): void => {
      if (same(a, b)) return;
      // !!omap/!!set (YAML 1.1) become Map/Set, which have no own keys: compare their entries instead.
      if ((a instanceof Map && b instanceof Map) || (a instanceof Set && b instanceof Set)) {
        compare([...a], [...b], path);
        return;
      }
      if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
        if (seen.has(a)) return; // a recursive alias: already being compared further up
        seen.add(a);
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const k of keys) {
          const segment = Array.isArray(a) ? Number(k) : k;
          if (!(k in a) || !(k in b)) fail(`${where(index, [...path, segment])} was added or removed`);
          compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, segment]);
        }
        return;
      }
      const change = byPath.get(key(index, path));
      if (change === undefined || !same(a, change.oldValue) || b !== change.newValue) {
        fail(`${where(index, path)} would change although heimdall did not mean to change it`);
      }
    };
    compare(old, next, []);
  });
}

function key(document: number, path: readonly YamlPathSegment[]): string {
  return JSON.stringify([document, ...path]);
}

function where(document: number, path: readonly YamlPathSegment[]): string {
  return `document ${document} at ${formatYamlPath(path) || "(root)"}`;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !(value instanceof Date);
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}
