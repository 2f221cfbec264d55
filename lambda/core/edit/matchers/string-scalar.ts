import { isScalar, type Node, type Scalar } from "yaml";

/**
 * `node` when it is a scalar holding a string, else `undefined`: a name or repository must be a string
 * to be an image (`repository: 45` is not).
 *
 * @example
 * stringScalar(mapping.get("repository"))?.value; // "reg.example/ns/app"
 */
export function stringScalar(node: Node | undefined): (Scalar & { value: string }) | undefined {
  return isScalar(node) && typeof node.value === "string" ? (node as Scalar & { value: string }) : undefined;
}
