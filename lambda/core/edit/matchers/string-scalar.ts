import { isScalar, type Node, Scalar } from "yaml";

/** A scalar holding a string, and the string it spells. */
export interface StringScalar {
  readonly node: Scalar;
  /** The decoded value, without the line break(s) a block scalar (`|`, `>`, `|+`) ends with. */
  readonly value: string;
}

/**
 * `node` when it is a scalar holding a string, else `undefined`: a name or repository must be a string to
 * be an image (`repository: 45` is not). A block scalar's final line breaks are not part of what it
 * spells: `image: |` followed by one line is that line's reference (the editor keeps the breaks).
 *
 * @example
 * stringScalar(mapping.get("repository"))?.value; // "reg.example/ns/app"
 */
export function stringScalar(node: Node | undefined): StringScalar | undefined {
  if (!isScalar(node) || typeof node.value !== "string") return undefined;
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  return { node, value: block ? node.value.replace(/\n+$/, "") : node.value };
}
