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
import { formatImageReference, parseImageReference } from "./image-reference.ts";
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
}

// Nodes reached again through aliases. Plain documents are bounded by their size; this bounds the
// "billion laughs" kind, whose expansion grows exponentially with nesting.
const MAX_ALIASED_VISITS = 50_000;

/**
 * Finds the scalars in one parsed document (parsed with `keepSourceTokens`) that reference the
 * queried image and the new value each must get. Pure: reads the document, changes nothing.
 *
 * Matches (a) the value of any `image` key, (b) kustomize `images:` entries whose `newName` (or, when
 * absent, `name`) is the bare reference → their `newTag` and `digest`, (c) Helm-style `repository:`
 * with a sibling `tag:` (full reference, or bare repository plus sibling `registry:`) → `tag` and a
 * non-empty sibling `digest`. Aliases are followed, so `image: *img` targets the anchored scalar once.
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
  const found = new Map<Scalar, { path: YamlPathSegment[]; oldValue: string; newValue: string }>();
  const aliases = new Map<Alias, Node | undefined>();
  let visits = 0;

  const spellsRepository = (node: Scalar): boolean =>
    node.range !== undefined &&
    node.range !== null &&
    source.slice(node.range[0], node.range[1]).includes(query.imageRepository);

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

  const target = (node: Scalar, path: YamlPathSegment[], oldValue: string, newValue: string): void => {
    if (oldValue === newValue) return;
    if (!found.has(node)) found.set(node, { path, oldValue, newValue });
  };

  const registryMatches = (registry: string | undefined): boolean =>
    registry !== undefined && registries.has(registry.toLowerCase());

  const stringValue = (pair: Pair | undefined, stack: readonly Node[]): Scalar | undefined => {
    const value = resolve(pair?.value, stack);
    return isScalar(value) && typeof value.value === "string" ? value : undefined;
  };

  const visitImage = (node: Scalar, path: YamlPathSegment[]): void => {
    const ref = typeof node.value === "string" ? parseImageReference(node.value) : undefined;
    if (ref === undefined || ref.imageRepository !== query.imageRepository || !registryMatches(ref.registry))
      return;
    if (!spellsRepository(node)) return;
    const digest = ref.digest === undefined ? undefined : query.digest;
    target(node, path, node.value as string, formatImageReference({ ...ref, tag: query.tag, digest }));
  };

  const visitTag = (
    pairs: ReadonlyMap<string, Pair>,
    key: string,
    path: YamlPathSegment[],
    value: string,
    stack: readonly Node[],
  ): void => {
    const node = resolve(pairs.get(key)?.value, stack);
    if (!isScalar(node) || node.range === undefined || node.range === null) return;
    if (node.range[0] === node.range[1]) return; // `tag:` with nothing after it: no scalar to rewrite
    const old = typeof node.value === "string" ? node.value : source.slice(node.range[0], node.range[1]);
    target(node, [...path, key], old, value);
  };

  const visitMap = (
    pairs: ReadonlyMap<string, Pair>,
    path: YamlPathSegment[],
    inImages: boolean,
    stack: readonly Node[],
  ) => {
    if (inImages) {
      // kustomize `images:` entry: the deployed image is `newName` when set, else `name`.
      const name = stringValue(pairs.get("newName") ?? pairs.get("name"), stack);
      const ref = name === undefined ? undefined : parseImageReference(name.value as string);
      if (
        name !== undefined &&
        spellsRepository(name) &&
        ref !== undefined &&
        ref.tag === undefined &&
        ref.digest === undefined &&
        ref.imageRepository === query.imageRepository &&
        registryMatches(ref.registry)
      ) {
        visitTag(pairs, "newTag", path, query.tag, stack);
        if (stringValue(pairs.get("digest"), stack) !== undefined)
          visitTag(pairs, "digest", path, query.digest, stack);
      }
    }
    const repository = stringValue(pairs.get("repository"), stack);
    if (repository !== undefined && pairs.has("tag") && spellsRepository(repository)) {
      const ref = parseImageReference(repository.value as string);
      const registry = pairs.has("registry")
        ? stringValue(pairs.get("registry"), stack)?.value
        : ref?.registry;
      const bare = pairs.has("registry") ? ref?.registry === undefined : true;
      if (
        ref !== undefined &&
        bare &&
        ref.tag === undefined &&
        ref.digest === undefined &&
        ref.imageRepository === query.imageRepository &&
        registryMatches(typeof registry === "string" ? registry : undefined)
      ) {
        visitTag(pairs, "tag", path, query.tag, stack);
        const digest = stringValue(pairs.get("digest"), stack);
        if (digest !== undefined && digest.value !== "") visitTag(pairs, "digest", path, query.digest, stack);
      }
    }
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
    visitMap(pairs, path, parentKey === "images[]", inner);
    for (const [key, pair] of pairs) {
      const value = resolve(pair.value, inner);
      if (key === "image" && isScalar(value)) visitImage(value, [...path, key]);
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
