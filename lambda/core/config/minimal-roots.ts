import { isUnderRoot } from "./is-under-root.ts";

/**
 * The directories of `roots` that no other one contains, deduplicated and sorted: reading them reads
 * everything `roots` names, once. `""` (the whole tree) contains every other root.
 *
 * @example
 * minimalRoots(["apps/a/x", "apps/a", "apps/b", "apps/a"]); // ["apps/a", "apps/b"]
 * minimalRoots(["apps/a", ""]);                             // [""]
 */
export function minimalRoots(roots: Iterable<string>): string[] {
  const sorted = [...new Set(roots)].sort();
  const kept: string[] = [];
  // Sorted, a containing root comes before everything inside it.
  for (const root of sorted) if (!kept.some((outer) => isUnderRoot(root, outer))) kept.push(root);
  return kept;
}
