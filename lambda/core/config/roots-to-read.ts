import { minimalRoots } from "./minimal-roots.ts";
import type { TargetResolution } from "./resolve-targets.ts";

/**
 * The directories a read must cover for pushes resolved as `resolutions` (see `resolveTargets`): the
 * static prefixes of every matching target's path globs, minimal (no root inside another) and sorted.
 * `""` means the whole tree; an empty list means nothing needs reading (every push unmapped or its tag
 * rejected).
 *
 * @example
 * rootsToRead([resolveTargets(snuttDevPush, DEFAULT_CONFIG)]); // ["apps/snutt-dev"]
 */
export function rootsToRead(resolutions: Iterable<TargetResolution>): string[] {
  const roots = new Set<string>();
  for (const resolution of resolutions) {
    if (resolution.kind !== "targets") continue;
    // Paused targets' files are read too, so that what they hold back can be reported.
    for (const target of [...resolution.targets, ...resolution.paused]) {
      for (const root of target.paths.roots) roots.add(root);
    }
  }
  return minimalRoots(roots);
}
