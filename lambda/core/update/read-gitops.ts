import {
  CONFIG_PATHS,
  DEFAULT_CONFIG,
  type HeimdallConfig,
  parseHeimdallConfig,
} from "../config/heimdall-config.ts";
import { isUnderRoot } from "../config/is-under-root.ts";
import type { GitOpsRepository, GitOpsSnapshot } from "./gitops-repository.ts";

/**
 * Reads the GitOps repository and its config in as few reads as possible: the first read covers the roots
 * the default config needs plus the config file; only when the config points outside them is there a second
 * read of the roots it names. `configOverride` (the CLI's `--config`) replaces the repository's file.
 * An invalid config throws `InvalidConfigError` before anything is written. `mentions` goes with every read
 * (see `ReadRequest.mentions`): files that contain none of them may be missing from the snapshot.
 *
 * @example
 * const { snapshot, config } = await readGitOps(gitops, (config) => rootsToRead(pushes, config));
 */
export async function readGitOps(
  gitops: GitOpsRepository,
  rootsFor: (config: HeimdallConfig) => string[],
  configOverride?: { readonly path: string; readonly text: string },
  options: { readonly mentions?: readonly string[] } = {},
): Promise<{ snapshot: GitOpsSnapshot; config: HeimdallConfig }> {
  const configPaths = configOverride === undefined ? CONFIG_PATHS : [];
  const narrowing = options.mentions === undefined ? {} : { mentions: options.mentions };
  const firstRoots = rootsFor(DEFAULT_CONFIG);
  let snapshot = await gitops.read({ roots: firstRoots, configPaths, ...narrowing });
  const configFile = configOverride ?? snapshot.config;
  const config =
    configFile === undefined ? DEFAULT_CONFIG : parseHeimdallConfig(configFile.path, configFile.text);
  if (config !== DEFAULT_CONFIG) {
    // The config can point at folders the first read (made before the config was known) did not cover.
    const roots = rootsFor(config);
    if (!roots.every((root) => firstRoots.some((read) => read === root || isUnderRoot(root, read)))) {
      snapshot = await gitops.read({ roots, configPaths: [], ...narrowing });
    }
  }
  return { snapshot, config };
}
