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
  type YAMLMap,
} from "yaml";
import { AliasExpansionError } from "./alias-expansion-error.ts";
import type { ImageEdit } from "./image-edit.ts";
import type { ManifestChange } from "./manifest-change.ts";
import type { MappingView, MatchQuery } from "./matchers/image-matcher.ts";
import { IMAGE_MATCHERS } from "./matchers/image-matchers.ts";
import { MAX_NESTING_DEPTH, NestingTooDeepError } from "./nesting-too-deep-error.ts";
import type { YamlPathSegment } from "./yaml-path.ts";

/**
 * A scalar that must get a new value, and every path through which the document reaches it. Its change fields are
 * those of the {@link ManifestChange} it becomes (`oldValue` of a non-string tag such as `tag: 45` is its source text).
 */
export interface ImageTarget
  extends Pick<ManifestChange, "oldValue" | "newValue" | "field" | "matcher" | "from" | "to"> {
  readonly node: Scalar;
  /** Where the match was found (for an alias, the alias's path, not the anchor's). */
  readonly path: readonly YamlPathSegment[];
  /** Every path the scalar is reachable through (anchor site and aliases): all of them change. */
  readonly reachedAt: readonly (readonly YamlPathSegment[])[];
}

type Found = Omit<ImageTarget, "node" | "reachedAt">;

/** What {@link findImageTargets} found: the scalars to rewrite, and those a pin comment keeps as they are. */
export interface ImageTargets {
  readonly targets: readonly ImageTarget[];
  /** Scalars that would change but are pinned, with every path that reaches them and their old value. */
  readonly pinned: readonly {
    readonly node: Scalar;
    readonly reachedAt: readonly (readonly YamlPathSegment[])[];
    readonly oldValue: string;
  }[];
}

// Nodes reached again through aliases. Plain documents are bounded by their size; this bounds the
// "billion laughs" kind, whose expansion grows exponentially with nesting.
const MAX_ALIASED_VISITS = 50_000;

/**
 * Finds the scalars in one parsed document (parsed with `keepSourceTokens`) that reference the
 * queried image and the new value each must get. Pure: reads the document, changes nothing.
 *
 * The walk visits every mapping once per path that reaches it and shows it to each of
 * `IMAGE_MATCHERS` (the `image:` key, kustomize `images:`, Helm `repository:`/`tag:`). Aliases are
 * followed, so `image: *img` targets the anchored scalar once, with every path that reaches it. A mapping
 * with a merge key (`<<: *base`) is shown as a merging reader (go-yaml: Helm, kustomize, kubectl) sees it:
 * its own keys win over merged ones, the first merged map over later ones — so the scalar a target names
 * is the one where the effective value is written.
 * Only scalars whose source text spells the repository literally match; that is what makes the
 * caller's "text does not contain the repository" fast path exact.
 *
 * Throws `AliasExpansionError` when aliases expand beyond 50,000 nodes and `NestingTooDeepError` when
 * they nest deeper than `MAX_NESTING_DEPTH`.
 *
 * @example
 * const doc = parseDocument("image: reg.example/ns/app:1\n", { keepSourceTokens: true });
 * findImageTargets(doc, "image: reg.example/ns/app:1\n", { registries: ["reg.example"], imageRepository: "ns/app", tag: "2", digest })
 *   .map((t) => t.newValue); // ["reg.example/ns/app:2"]
 */
export function findImageTargets(
  document: Document,
  source: string,
  query: ImageEdit,
  isPinned: (node: Scalar) => boolean = () => false,
): ImageTargets {
  const registries = new Set(query.registries.map((registry) => registry.toLowerCase()));
  const reached = new Map<Scalar, YamlPathSegment[][]>();
  const found = new Map<Scalar, Found>();
  const pinned = new Map<Scalar, { path: YamlPathSegment[]; oldValue: string }>();
  const aliases = new Map<Alias, Node | undefined>();
  let visits = 0;

  const sourceOf = (node: Scalar): string =>
    node.range === undefined || node.range === null ? "" : source.slice(node.range[0], node.range[1]);
  const matchQuery: MatchQuery = {
    imageRepository: query.imageRepository,
    tag: query.tag,
    digest: query.digest,
    pinDigest: query.pinDigest === true,
    spellsRepository: (node) => sourceOf(node).includes(query.imageRepository),
    registryMatches: (registry) => registry !== undefined && registries.has(registry.toLowerCase()),
    sourceOf,
  };

  // The collections on the way from the root to the node being walked, aliases followed: a recursive alias
  // (`&a [*a]`) resolves to one of them and is not followed again.
  const chain = new Set<Node>();
  const path: YamlPathSegment[] = [];

  const resolve = (node: unknown): Node | undefined => {
    if (!isAlias(node)) return node as Node | undefined;
    // Alias.resolve searches the whole document; an alias reached again via other aliases reuses it.
    let target = aliases.get(node);
    if (!aliases.has(node)) {
      target = node.resolve(document);
      aliases.set(node, target);
    }
    return target === undefined || chain.has(target) ? undefined : target;
  };

  // Keys as text. In YAML 1.1 documents the merge key `<<` is parsed to a symbol; name it by its source.
  const ownEntries = (map: YAMLMap): Map<string, Pair> => {
    const entries = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = resolve(pair.key);
      if (isScalar(key))
        entries.set(typeof key.value === "symbol" ? (key.source ?? "<<") : String(key.value), pair);
    }
    return entries;
  };

  // What a merging reader (go-yaml, so Helm, kustomize, kubectl) sees under `<<`: the merged maps' entries,
  // the first map listed winning, each with its own merges applied.
  const mergedEntries = (own: ReadonlyMap<string, Pair>): Map<string, Pair> => {
    const merged = new Map<string, Pair>();
    const value = own.get("<<")?.value;
    if (value === undefined) return merged;
    const resolved = resolve(value);
    for (const source of isSeq(resolved) ? resolved.items : [value]) {
      if (!isAlias(source)) continue;
      const map = resolve(source);
      if (!isMap(map)) continue;
      countAliasedVisit();
      chain.add(map);
      const entries = ownEntries(map);
      for (const [key, pair] of [...entries, ...mergedEntries(entries)]) {
        if (key !== "<<" && !merged.has(key)) merged.set(key, pair);
      }
      chain.delete(map);
    }
    return merged;
  };

  const countAliasedVisit = (): void => {
    if (++visits > MAX_ALIASED_VISITS) {
      throw new AliasExpansionError(`aliases expand to more than ${MAX_ALIASED_VISITS} nodes`);
    }
  };

  // `shared`: the node may be reached through more than one path (it is, or lies inside, an anchored node
  // or one reached through an alias), so the paths that reach it are recorded for the report.
  const walk = (raw: unknown, parentKey: string | undefined, aliased: boolean, shared: boolean): void => {
    const node = resolve(raw);
    if (node === undefined) return;
    if (path.length > MAX_NESTING_DEPTH) {
      throw new NestingTooDeepError(
        `collections nest more than ${MAX_NESTING_DEPTH} levels deep through aliases`,
      );
    }
    const expanded = aliased || isAlias(raw);
    if (expanded) countAliasedVisit();
    const many = shared || expanded || node.anchor !== undefined;
    if (isScalar(node)) {
      if (!many) return;
      const paths = reached.get(node) ?? [];
      paths.push([...path]);
      reached.set(node, paths);
      return;
    }
    chain.add(node);
    if (isSeq(node)) {
      // Marks "an item of a sequence under key K" so kustomize `images:` entries can be recognised.
      const itemKey = `${parentKey ?? ""}[]`;
      for (let index = 0; index < node.items.length; index++) {
        path.push(index);
        walk(node.items[index], itemKey, expanded, many);
        path.pop();
      }
    } else if (isMap(node)) {
      walkMap(node, parentKey, expanded, many);
    }
    chain.delete(node);
  };

  const walkMap = (
    node: YAMLMap,
    parentKey: string | undefined,
    expanded: boolean,
    shared: boolean,
  ): void => {
    const own = ownEntries(node);
    // A key written in the map wins over a merged one: matchers see what a merging reader sees. The `<<`
    // entry itself is not walked: its maps are walked where they are anchored.
    const merged = mergedEntries(own);
    own.delete("<<");
    for (const key of own.keys()) merged.delete(key);
    const entries = merged.size === 0 ? own : new Map([...own, ...merged]);
    const mapping: MappingView = {
      parentKey,
      has: (key) => entries.has(key),
      get: (key) => resolve(entries.get(key)?.value),
    };
    for (const matcher of IMAGE_MATCHERS) {
      const reference = matcher.match(mapping, matchQuery);
      if (reference === undefined) continue;
      // A pin comment on any line of the reference keeps all of it (a tag without its digest would be a
      // reference nobody wrote).
      const held = reference.spelledBy.some(isPinned);
      for (const { node, key, ...change } of reference.fields) {
        if (change.oldValue === change.newValue) continue;
        if (held) {
          if (!pinned.has(node)) pinned.set(node, { path: [...path, key], oldValue: change.oldValue });
        } else if (!found.has(node)) {
          found.set(node, { ...change, path: [...path, key], matcher: matcher.name });
        }
      }
    }
    for (const [key, pair] of own) {
      path.push(key);
      walk(pair.value, key, expanded, shared);
      path.pop();
    }
    for (const [key, pair] of merged) {
      path.push(key);
      walk(pair.value, key, true, true);
      path.pop();
    }
  };

  walk(document.contents, undefined, false, false);
  const reachedAt = (node: Scalar, path: readonly YamlPathSegment[]) => reached.get(node) ?? [path];
  return {
    // A scalar a pinned reference holds is never rewritten, even where another reference shares it.
    targets: [...found]
      .filter(([node]) => !pinned.has(node))
      .map(([node, match]) => ({ node, ...match, reachedAt: reachedAt(node, match.path) })),
    pinned: [...pinned].map(([node, held]) => ({
      node,
      reachedAt: reachedAt(node, held.path),
      oldValue: held.oldValue,
    })),
  };
}
