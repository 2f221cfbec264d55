/** One step into a YAML value: a mapping key (as text) or a sequence index. */
export type YamlPathSegment = string | number;

const BARE_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a path into a YAML document the way people write it in JavaScript: identifier-like keys
 * joined by dots, sequence indexes in brackets, and any other key (dots, slashes, spaces, empty,
 * digits) as a quoted bracket key so the path stays unambiguous.
 *
 * @example
 * formatYamlPath(["spec", "template", "spec", "containers", 0, "image"]);
 * // "spec.template.spec.containers[0].image"
 * formatYamlPath(["metadata", "annotations", "a.b/c"]); // 'metadata.annotations["a.b/c"]'
 */
export function formatYamlPath(segments: readonly YamlPathSegment[]): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (BARE_KEY.test(segment)) path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
