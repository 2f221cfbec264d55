import picomatch from "picomatch";
import { parse, Range } from "semver";
import type { EcrPush } from "../event/ecr-push.ts";
import type { UnresolvedOutcome } from "../update/outcomes.ts";
import { compileTagPattern, type TagPattern } from "./compile-tag-pattern.ts";
import type { HeimdallConfig, HeimdallTarget } from "./heimdall-config.ts";
import { compilePathGlobs, type PathGlobs } from "./path-globs.ts";
import type { PullRequestSettings } from "./read-pull-request-settings.ts";
import type { TargetPolicy } from "./read-target-policy.ts";

/**
 * Where one push may update manifests: the targets to edit (and the paused ones whose files stay as they
 * are), or why there are none. `unmapped`, `tag-rejected` and `paused` are expected outcomes (reported per
 * image), not errors.
 */
export type TargetResolution =
  | {
      readonly kind: "targets";
      readonly targets: readonly ResolvedTarget[];
      /** Paused targets that match the push too: files they cover are never edited, whoever else covers them. */
      readonly paused: readonly PausedTarget[];
    }
  | { readonly kind: UnresolvedOutcome; readonly reason: string };

/** Files a push may edit, the registry hosts whose references to its repository count there, and how to edit. */
export interface ResolvedTarget extends Pick<TargetPolicy, "pinDigest" | "order"> {
  readonly paths: PathGlobs;
  /** The push's own registry first, then the config's global hosts, then the target's; no duplicates. */
  readonly registries: readonly string[];
  /** The target's `pullRequest:`: its files are proposed through the image's pull request. */
  readonly pullRequest?: PullRequestSettings;
}

/** A paused target that matches the push while another target applies. */
export interface PausedTarget {
  readonly paths: PathGlobs;
  readonly registries: readonly string[];
  /** `targets[1] is paused: release freeze`. */
  readonly reason: string;
}

interface CompiledTarget {
  readonly matchesRepository: (name: string) => boolean;
  readonly tags: TagPattern | undefined;
  readonly range: Range | undefined;
  readonly paths: PathGlobs;
}

// Configs are parsed once per read and resolved once per push; compiling per target object (and
// dropping it with the config) keeps the config plain data without recompiling globs per push.
const compiled = new WeakMap<HeimdallTarget, CompiledTarget>();

/**
 * Resolves which files a push may edit under `config`.
 *
 * Every target whose `repository` glob matches the push's repository applies (their paths are
 * united by the caller, each with its own registries). Among those, a target refuses the tag when its
 * `tags` regular expression does not match it, when it orders by `semver` (or sets a `semver` range) and
 * the tag is not a semantic version (`1.2.3`, `v1.2.3`, `1.2.3-rc.1`), or when the version is outside its
 * range; if every target refuses, the result is `tag-rejected` with each target's reason. Of the targets
 * that accept, paused ones edit nothing: when all are paused the result is `paused` with their reasons,
 * otherwise they are returned in `paused` so that their files stay untouched. When no target matches,
 * `fallback: convention` (the default, and the only rule without a config file) maps `team/app` to
 * `apps/team/**`; `fallback: none` gives `unmapped`.
 *
 * @example
 * resolveTargets(push, DEFAULT_CONFIG);
 * // { kind: "targets", targets: [{ paths: <apps/snutt-dev/**>, registries: [push.registry], … }], paused: [] }
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
          pinDigest: false,
          order: "push-time",
        },
      ],
      paused: [],
    };
  }
  const refusals = matching.map((target) => refusal(target, push.tag));
  const accepting = matching.filter((_, index) => refusals[index] === undefined);
  if (accepting.length === 0) {
    return {
      kind: "tag-rejected",
      reason: rejection(
        push,
        refusals.filter((r) => r !== undefined),
      ),
    };
  }
  const registriesOf = (target: HeimdallTarget) =>
    unique([push.registry, ...config.registries, ...target.registries]);
  const active = accepting.filter((target) => !target.paused);
  const paused = accepting
    .filter((target) => target.paused)
    .map((target) => ({
      paths: compile(target).paths,
      registries: registriesOf(target),
      reason: `${target.name} is paused: ${target.pausedReason ?? `paused in ${config.file ?? "the config"}`}`,
    }));
  if (active.length === 0)
    return { kind: "paused", reason: paused.map((target) => target.reason).join("; ") };
  return {
    kind: "targets",
    targets: active.map((target) => ({
      paths: compile(target).paths,
      registries: registriesOf(target),
      pinDigest: target.pinDigest,
      order: target.order,
      ...(target.pullRequest === undefined ? {} : { pullRequest: target.pullRequest }),
    })),
    paused,
  };
}

/** Why `target` refuses `tag`, as a clause of the `tag-rejected` reason; `undefined` when it accepts it. */
interface Refusal {
  /** Its `tags` regular expression refused the tag (the long-standing wording applies). */
  readonly byTagFilter: boolean;
  readonly text: string;
}

function refusal(target: HeimdallTarget, tag: string): Refusal | undefined {
  const { tags, range } = compile(target);
  if (tags !== undefined && !tags.test(tag)) {
    return { byTagFilter: true, text: `${target.name}.tags '${target.tags ?? ""}'` };
  }
  if (target.order !== "semver" && range === undefined) return undefined;
  const version = parse(tag);
  if (version === null) {
    const why = target.order === "semver" ? "orders by semver" : `has semver '${target.semver ?? ""}'`;
    const text = `${target.name} ${why} and '${tag}' is not a semantic version (write tags like 1.2.3 or v1.2.3)`;
    return { byTagFilter: false, text };
  }
  if (range !== undefined && !range.test(version)) {
    const text = `${target.name}.semver '${target.semver ?? ""}' does not include version ${version.version}`;
    return { byTagFilter: false, text };
  }
  return undefined;
}

function rejection(push: EcrPush, refusals: readonly Refusal[]): string {
  const of = `tag '${push.tag}' of '${push.imageRepository}'`;
  const texts = refusals.map((refused) => refused.text);
  // Tag filters alone keep their long-standing wording; semver refusals say what each target wants.
  if (refusals.every((refused) => refused.byTagFilter)) {
    return `${of} matches no tag filter of its targets (${texts.join(", ")})`;
  }
  return `${of} is refused by every target that matches it: ${texts.join("; ")}`;
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
      tags: target.tags === undefined ? undefined : compileTagPattern(target.tags),
      range: target.semver === undefined ? undefined : new Range(target.semver),
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
