import picomatch from "picomatch";
import type { EcrPush } from "../event/ecr-push.ts";
import type { UnresolvedOutcome } from "../update/outcomes.ts";
import type { HeimdallConfig, HeimdallTarget } from "./heimdall-config.ts";
import { compilePathGlobs, type PathGlobs } from "./path-globs.ts";
import type { PullRequestSettings } from "./read-pull-request-settings.ts";

/**
 * Where one push may update manifests: the targets to edit, or why there are none.
 * `unmapped` and `tag-rejected` are expected outcomes (reported per image), not errors.
 */
export type TargetResolution =
  | { readonly kind: "targets"; readonly targets: readonly ResolvedTarget[] }
  | { readonly kind: UnresolvedOutcome; readonly reason: string };

/** Files a push may edit, and the registry hosts whose references to its repository count there. */
export interface ResolvedTarget {
  readonly paths: PathGlobs;
  /** The push's own registry first, then the config's global hosts, then the target's; no duplicates. */
  readonly registries: readonly string[];
  /** The target's `pullRequest:`: its files are proposed through the image's pull request. */
  readonly pullRequest?: PullRequestSettings;
}

interface CompiledTarget {
  readonly matchesRepository: (name: string) => boolean;
  readonly tags: RegExp | undefined;
  readonly paths: PathGlobs;
}

// Configs are parsed once per read and resolved once per push; compiling per target object (and
// dropping it with the config) keeps the config plain data without recompiling globs per push.
const compiled = new WeakMap<HeimdallTarget, CompiledTarget>();

/**
 * Resolves which files a push may edit under `config`.
 *
 * Every target whose `repository` glob matches the push's repository applies (their paths are
 * united by the caller, each with its own registries). Among those, targets whose `tags` regular
 * expression does not match the tag are dropped; if that drops all of them the result is
 * `tag-rejected`. When no target matches, `fallback: convention` (the default, and the only rule
 * without a config file) maps `team/app` to `apps/team/**`; `fallback: none` gives `unmapped`.
 *
 * @example
 * resolveTargets(push, DEFAULT_CONFIG);
 * // { kind: "targets", targets: [{ paths: <apps/snutt-dev/**>, registries: [push.registry] }] }
 */
export function resolveTargets(push: EcrPush, config: HeimdallConfig): TargetResolution {
  const matching = config.targets.filter((target) => compile(target).matchesRepository(push.imageRepository));
  if (matching.length === 0) {
    if (config.fallback === "none") {
      return {
        kind: "unmapped",
        reason:
          `no target in ${config.file ?? "the config"} matches repository '${push.imageRepository}' and fallback is ` +
          "'none'; add a target for it, or set fallback: convention",
      };
    }
    return {
      kind: "targets",
      targets: [
        {
          paths: conventionGlobs(push.imageRepository),
          registries: unique([push.registry, ...config.registries]),
        },
      ],
    };
  }
  const accepting = matching.filter((target) => compile(target).tags?.test(push.tag) ?? true);
  if (accepting.length === 0) {
    const filters = matching.map((target) => `${target.name}.tags '${target.tags ?? ""}'`).join(", ");
    return {
      kind: "tag-rejected",
      reason: `tag '${push.tag}' of '${push.imageRepository}' matches no tag filter of its targets (${filters})`,
    };
  }
  return {
    kind: "targets",
    targets: accepting.map((target) => ({
      paths: compile(target).paths,
      registries: unique([push.registry, ...config.registries, ...target.registries]),
      ...(target.pullRequest === undefined ? {} : { pullRequest: target.pullRequest }),
    })),
  };
}

/** The original tool's layout: the repository's first path segment is a folder under `apps/`. */
function conventionGlobs(repository: string): PathGlobs {
  const namespace = repository.split("/")[0] ?? repository;
  return compilePathGlobs([`apps/${escapeGlob(namespace)}/**`]);
}

function compile(target: HeimdallTarget): CompiledTarget {
  let entry = compiled.get(target);
  if (entry === undefined) {
    entry = {
      matchesRepository: picomatch(target.repository, { dot: true }),
      tags: target.tags === undefined ? undefined : new RegExp(target.tags),
      paths: compilePathGlobs(target.paths),
    };
    compiled.set(target, entry);
  }
  return entry;
}

// ECR names cannot hold glob characters today; escaping keeps the convention literal regardless.
function escapeGlob(segment: string): string {
  return segment.replace(/[*?[\]{}()!+@|\\]/g, "\\$&");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
