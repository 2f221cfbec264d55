import type { EcrPush } from "../event/ecr-push.ts";
import type { HeimdallConfig } from "./heimdall-config.ts";
import { minimalRoots } from "./minimal-roots.ts";
import { compilePathGlobs } from "./path-globs.ts";
import { resolveTargets, type TargetResolution } from "./resolve-targets.ts";

/**
 * The directories a read must cover under `config`: for `pushes`, the static prefixes of every matching
 * target's path globs; for `"all"` (the reconcile), those of every target, plus `apps` when the
 * `apps/<namespace>/` convention applies. Minimal (no root inside another) and sorted. `""` means the whole
 * tree; an empty list means nothing needs reading (every push unmapped or its tag rejected). `resolutions`
 * are the pushes' targets under `config` when the caller resolved them already (once per round).
 *
 * @example
 * rootsToRead([snuttDevPush], DEFAULT_CONFIG); // ["apps/snutt-dev"]
 * rootsToRead("all", DEFAULT_CONFIG); // ["apps"]
 */
export function rootsToRead(
  pushes: readonly EcrPush[] | "all",
  config: HeimdallConfig,
  resolutions?: ReadonlyMap<EcrPush, TargetResolution>,
): string[] {
  if (pushes === "all") {
    const convention = config.fallback === "convention" ? ["apps"] : [];
    return minimalRoots([
      ...config.targets.flatMap((target) => compilePathGlobs(target.paths).roots),
      ...convention,
    ]);
  }
  const roots = new Set<string>();
  for (const push of pushes) {
    const resolution = resolutions?.get(push) ?? resolveTargets(push, config);
    if (resolution.kind !== "targets") continue;
    // Paused targets' files are read too, so that what they hold back can be reported.
    for (const target of [...resolution.targets, ...resolution.paused]) {
      for (const root of target.paths.roots) roots.add(root);
    }
  }
  return minimalRoots(roots);
}
