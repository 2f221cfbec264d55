import {
  CONFIG_PATHS,
  DEFAULT_CONFIG,
  type HeimdallConfig,
  parseHeimdallConfig,
} from "../config/heimdall-config.ts";
import { InvalidConfigError } from "../config/invalid-config-error.ts";
import { isUnderRoot } from "../config/is-under-root.ts";
import { HeimdallError } from "../heimdall-error.ts";
import type { ConfigFileRead, GitOpsRepository, GitOpsSnapshot } from "./gitops-repository.ts";

/** One consistent read: the snapshot, the config it holds, and the file that config was parsed from. */
export interface GitOpsRead {
  readonly snapshot: GitOpsSnapshot;
  readonly config: HeimdallConfig;
  /** The config file's path and text (absent: no file, {@link DEFAULT_CONFIG}); lets a later read reuse the parse. */
  readonly configSource?: { readonly path: string; readonly text: string };
}

// A config that changes between two reads of one call is read again; this many times in a row means
// something keeps rewriting it.
const MAX_READS = 4;

/**
 * Reads the GitOps repository and its config, in one `gitops.read` when it can.
 *
 * Which folders to read (`rootsFor`) depends on the config, which is in the repository. The read guesses
 * with the best config known: the `previous` read's (a round after a conflict), else `configOverride` (the
 * CLI's `--config`, which replaces the repository's file), else the default convention. When the config read
 * says the guess missed folders, they are read again, config included — config and files always come from
 * one snapshot. A config file whose text did not change since `previous` is not parsed again (the same
 * `HeimdallConfig` object comes back, so per-config work can be kept). An invalid config throws
 * `InvalidConfigError` before anything is written — so does a config path that is not a regular text file (a
 * symlink, a directory, binary content): it is never taken for "no config". Every read carries `deadline` to
 * the adapter, and `proposalBranches` (their state does not depend on the config).
 *
 * @example
 * const first = await readGitOps(gitops, (config) => rootsToRead(pushes, config));
 * const again = await readGitOps(gitops, (config) => rootsToRead(pushes, config), undefined, { previous: first });
 */
export async function readGitOps(
  gitops: GitOpsRepository,
  rootsFor: (config: HeimdallConfig) => string[],
  configOverride?: { readonly path: string; readonly text: string },
  options: {
    readonly previous?: Omit<GitOpsRead, "snapshot">;
    readonly deadline?: number;
    readonly proposalBranches?: readonly string[];
    readonly mentions?: readonly string[];
  } = {},
): Promise<GitOpsRead> {
  const configPaths = configOverride === undefined ? CONFIG_PATHS : [];
  let known = options.previous ?? configFrom(configOverride);
  for (let reads = 1; ; reads++) {
    const roots = rootsFor(known.config);
    const snapshot = await gitops.read({
      roots,
      configPaths,
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
      ...(options.proposalBranches === undefined || options.proposalBranches.length === 0
        ? {}
        : { proposalBranches: options.proposalBranches }),
      ...(options.mentions === undefined ? {} : { mentions: options.mentions }),
    });
    const source = configOverride ?? snapshot.config;
    const current = sameSource(source, known.configSource) ? known : configFrom(source);
    const needed = current === known ? roots : rootsFor(current.config);
    if (needed.every((root) => roots.some((read) => read === root || isUnderRoot(root, read)))) {
      return { ...current, snapshot };
    }
    if (reads >= MAX_READS) {
      throw new HeimdallError(
        `the config file changed under each of ${reads} reads in a row — the event will be retried once it settles`,
      );
    }
    known = current;
  }
}

function configFrom(source: ConfigFileRead | undefined): Omit<GitOpsRead, "snapshot"> {
  if (source === undefined) return { config: DEFAULT_CONFIG };
  if ("unreadable" in source) {
    throw new InvalidConfigError(
      `${source.path}: is ${source.unreadable}, not a regular text file — heimdall reads its config only from a regular UTF-8 text file; put the file itself there (or remove it to use the apps/<namespace>/ convention)`,
      source.path,
      undefined,
      undefined,
    );
  }
  return { config: parseHeimdallConfig(source.path, source.text), configSource: source };
}

function sameSource(a: ConfigFileRead | undefined, b: ConfigFileRead | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || !("text" in a) || !("text" in b)) return false;
  return a.path === b.path && a.text === b.text;
}
