import {
  CONFIG_PATHS,
  DEFAULT_CONFIG,
  type HeimdallConfig,
  parseHeimdallConfig,
} from "../config/heimdall-config.ts";
import { isUnderRoot } from "../config/is-under-root.ts";
import { resolveTargets, type TargetResolution } from "../config/resolve-targets.ts";
import { rootsToRead } from "../config/roots-to-read.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { HeimdallError } from "../heimdall-error.ts";
import type { GitOpsRepository, GitOpsSnapshot } from "./gitops-repository.ts";

/** One round's view of the repository: the snapshot, the config it holds, and each push's targets under it. */
export interface ReadRound {
  readonly snapshot: GitOpsSnapshot;
  readonly config: HeimdallConfig;
  /** The file the config was parsed from (absent: no config file, {@link DEFAULT_CONFIG}). */
  readonly configSource?: { readonly path: string; readonly text: string };
  /** `resolveTargets` of every push under `config`, computed once for the round. */
  readonly resolutions: ReadonlyMap<EcrPush, TargetResolution>;
}

// A config that changes between two reads of one round is re-read; this many times in a row means
// something keeps rewriting it.
const MAX_READS_PER_ROUND = 4;

/**
 * Reads the repository for one round of the update use case, in one `gitops.read` when it can.
 *
 * Which folders to read depends on the config, which is in the repository: the first round guesses with
 * the `--config` override or the default convention, later rounds with the previous round's config (a
 * config file whose text did not change is not parsed again). When the config read says the guess missed
 * folders, those are read again — the config and the files then come from one read.
 *
 * @example
 * const round = await readRound({ pushes, gitops }, undefined);
 * round.resolutions.get(push); // { kind: "targets", targets: [...] }
 */
export async function readRound(
  input: {
    readonly pushes: readonly EcrPush[];
    readonly gitops: GitOpsRepository;
    readonly configOverride?: { readonly path: string; readonly text: string };
    readonly deadline?: number;
  },
  previous: ReadRound | undefined,
): Promise<ReadRound> {
  const configPaths = input.configOverride === undefined ? CONFIG_PATHS : [];
  let known: Omit<ReadRound, "snapshot"> = previous ?? configured(input.pushes, input.configOverride);
  for (let reads = 1; ; reads++) {
    const roots = rootsToRead(known.resolutions.values());
    const snapshot = await input.gitops.read({
      roots,
      configPaths,
      ...(input.deadline === undefined ? {} : { deadline: input.deadline }),
    });
    const source = input.configOverride ?? snapshot.config;
    const current = sameSource(source, known.configSource) ? known : configured(input.pushes, source);
    const needed = rootsToRead(current.resolutions.values());
    if (needed.every((root) => roots.some((read) => read === root || isUnderRoot(root, read)))) {
      return { ...current, snapshot };
    }
    if (reads >= MAX_READS_PER_ROUND) {
      throw new HeimdallError(
        `the config file changed under each of ${reads} reads in a row — the event will be retried once it settles`,
      );
    }
    known = current;
  }
}

function configured(
  pushes: readonly EcrPush[],
  source: { readonly path: string; readonly text: string } | undefined,
): Omit<ReadRound, "snapshot"> {
  const config = source === undefined ? DEFAULT_CONFIG : parseHeimdallConfig(source.path, source.text);
  const resolutions = new Map(pushes.map((push) => [push, resolveTargets(push, config)] as const));
  return source === undefined ? { config, resolutions } : { config, configSource: source, resolutions };
}

function sameSource(
  a: { readonly path: string; readonly text: string } | undefined,
  b: { readonly path: string; readonly text: string } | undefined,
): boolean {
  return a === b || (a !== undefined && b !== undefined && a.path === b.path && a.text === b.text);
}
