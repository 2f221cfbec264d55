/**
 * True when the repository path `path` is `root` itself or lies below it. `root` is a directory without
 * trailing slash, repository-relative; `""` is the whole tree, so everything is under it. A sibling that
 * merely shares the prefix (`apps/ab` for root `apps/a`) is not under it.
 *
 * @example
 * isUnderRoot("apps/snutt-dev/api/deployment.yaml", "apps/snutt-dev"); // true
 * isUnderRoot("apps/snutt-dev-old/x.yaml", "apps/snutt-dev");          // false
 * isUnderRoot("anything.yaml", "");                                    // true
 */
export function isUnderRoot(path: string, root: string): boolean {
  return root === "" || path === root || path.startsWith(`${root}/`);
}
