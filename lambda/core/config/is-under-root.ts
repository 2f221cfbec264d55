/**
 * True when the repository path `path` lies inside the directory `root` (repository-relative, no trailing
 * slash; `""` is the whole tree, so every non-empty path is inside it). `root` itself is not inside itself:
 * a file named like a root (`apps/x.yaml` for root `apps/x.yaml`, from the glob `apps/x.yaml/**`) is not
 * below it. A sibling that merely shares the prefix (`apps/ab` for root `apps/a`) is not inside either.
 *
 * @example
 * isUnderRoot("apps/snutt-dev/api/deployment.yaml", "apps/snutt-dev"); // true
 * isUnderRoot("apps/snutt-dev-old/x.yaml", "apps/snutt-dev");          // false
 * isUnderRoot("apps/snutt-dev", "apps/snutt-dev");                     // false
 * isUnderRoot("anything.yaml", "");                                    // true
 */
export function isUnderRoot(path: string, root: string): boolean {
  return root === "" ? path !== "" : path.startsWith(`${root}/`);
}
