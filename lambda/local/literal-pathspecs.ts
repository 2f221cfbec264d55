/**
 * Repository paths as git pathspecs that match literally: `:(literal)` turns off git's glob magic, so a
 * folder named `apps/[a]` or `*` is only itself; `""` (the whole tree) becomes `.`.
 *
 * @example
 * literalPathspecs(["apps/snutt-dev", ""]); // [":(literal)apps/snutt-dev", ":(literal)."]
 */
export function literalPathspecs(paths: readonly string[]): string[] {
  return paths.map((path) => `:(literal)${path === "" ? "." : path}`);
}
