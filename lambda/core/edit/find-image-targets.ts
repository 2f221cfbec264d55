import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
} from "yaml";
import { AliasExpansionError } from "./alias-expansion-error.ts";
import type { ImageEdit } from "./image-edit.ts";
import type { ChangedField, MatcherName, TagAndDigest } from "./manifest-change.ts";
import type { MappingView, MatchQuery } from "./matchers/image-matcher.ts";
import { IMAGE_MATCHERS } from "./matchers/image-matchers.ts";
import type { YamlPathSegment } from "./yaml-path.ts";

/** A scalar that must get a new value, and every path through which the document reaches it. */
export interface ImageTarget {
  readonly node: Scalar;
  /** Where the match was found (for an alias, the alias's path, not the anchor's). */
  readonly path: readonly YamlPathSegment[];
  /** Every path the scalar is reachable through (anchor site and aliases): all of them change. */
  readonly reachedAt: readonly (readonly YamlPathSegment[])[];
  /** Decoded old value; for a non-string tag (`tag: 45`) its source text. */
  readonly oldValue: string;
  readonly newValue: string;
  readonly field: ChangedField;
  readonly matcher: MatcherName;
  readonly from: TagAndDigest;
  readonly to: TagAndDigest;
}

type Found = Omit<ImageTarget, "node" | "reachedAt">;

// Nodes reached again through aliases. Plain documents are bounded by their size; this bounds the
// "billion laughs" kind, whose expansion grows exponentially with nesting.
const MAX_ALIASED_VISITS = 50_000;

/**
 * Finds the scalars in one parsed document (parsed with `keepSourceTokens`) that reference the
 * queried image and the new value each must get. Pure: reads the document, changes nothing.
 *
 * The walk visits every mapping once per path that reaches it and shows it to each of
 * `IMAGE_MATCHERS` (the `image:` key, kustomize `images:`, Helm `repository:`/`tag:`). Aliases are
 * followed, so `image: *img` targets the anchored scalar once, with every path that reaches it.
 * Only scalars whose source text spells the repository literally match; that is what makes the
 * caller's "text does not contain the repository" fast path exact.
 *
 * @example
 * const doc = parseDocument("image: reg.example/ns/app:1\n", { keepSourceTokens: true });
 * findImageTargets(doc, "image: reg.example/ns/app:1\n", { registries: ["reg.example"], imageRepository: "ns/app", tag: "2", digest })
 *   .map((t) => t.newValue); // ["reg.example/ns/app:2"]
 */
export function findImageTargets(document: Document, source: string, query: ImageEdit): ImageTarget[] {
  const registries = new Set(query.registries.map((registry) => registry.toLowerCase()));
  const reached = new Map<Scalar, YamlPathSegment[][]>();
  const found = new Map<Scalar, Found>();
  const aliases = new Map<Alias, Node | undefined>();
  let visits = 0;

  const sourceOf = (node: Scalar): string =>
    node.range === undefined || node.range === null ? "" : source.slice(node.range[0], node.range[1]);
  const matchQuery: MatchQuery = {
    imageRepository: query.imageRepository,
    tag: query.tag,
    digest: query.digest,
    spellsRepository: (node) => sourceOf(node).includes(query.imageRepository),
    registryMatches: (registry) => registry !== undefined && registries.has(registry.toLowerCase()),
    sourceOf,
  };

  const resolve = (node: unknown, stack: readonly Node[]): Node | undefined => {
    if (!isAlias(node)) return node as Node | undefined;
    // Alias.resolve searches the whole document; an alias reached again via other aliases reuses it.
    let target = aliases.get(node);
    if (!aliases.has(node)) {
      target = node.resolve(document);
      aliases.set(node, target);
    }
    // A recursive alias (`&a [*a]`) would otherwise be walked forever.
    return target === undefined || stack.includes(target) ? undefined : target;
  };

  const walk = (
    raw: unknown,
    path: YamlPathSegment[],
    parentKey: string | undefined,
    stack: Node[],
    aliased: boolean,
  ): void => {
    const node = resolve(raw, stack);
    if (node === undefined) return;
    const expanded = aliased || isAlias(raw);
    if (expanded && ++visits > MAX_ALIASED_VISITS) {
      throw new AliasExpansionError(`aliases expand to more than ${MAX_ALIASED_VISITS} nodes`);
    }
    if (isScalar(node)) {
      const paths = reached.get(node) ?? [];
      paths.push(path);
      reached.set(node, paths);
      return;
    }
    const inner = [...stack, node];
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        // Marks "an item of a sequence under key K" so kustomize `images:` entries can be recognised.
        walk(item, [...path, index], `${parentKey ?? ""}[]`, inner, expanded);
      });
      return;
    }
    if (!isMap(node)) return;
    const pairs = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = resolve(pair.key, inner);
      // In YAML 1.1 documents the merge key `<<` is parsed to a symbol; name it by its source.
      if (isScalar(key))
        pairs.set(typeof key.value === "symbol" ? (key.source ?? "<<") : String(key.value), pair);
    }
    const mapping: MappingView = {
      path,
      parentKey,
      has: (key) => pairs.has(key),
      get: (key) => resolve(pairs.get(key)?.value, inner),
    };
    for (const matcher of IMAGE_MATCHERS) {
      for (const match of matcher.match(mapping, matchQuery)) {
        if (match.oldValue === match.newValue || found.has(match.node)) continue;
        const { node: _node, key, ...change } = match;
        found.set(match.node, { ...change, path: [...path, key], matcher: matcher.name });
      }
    }
    for (const [key, pair] of pairs) {
      walk(pair.value, [...path, key], key, inner, expanded);
      if (key === "<<") {
        // A merge key (YAML 1.1, go-yaml) puts the merged values at this map's own path; record
        // those paths too so verification accepts them whether or not the parser merges.
        const merged = resolve(pair.value, inner);
        const sources = isSeq(merged) ? merged.items : [pair.value];
        for (const source of sources) if (isAlias(source)) walk(source, path, parentKey, inner, true);
      }
    }
  };

  walk(document.contents, [], undefined, [], false);
  return [...found].map(([node, match]) => ({
    node,
    ...match,
    reachedAt: reached.get(node) ?? [match.path],
  }));
}
