import picomatch from "picomatch";
import { compileTagPattern } from "./compile-tag-pattern.ts";
import { type ConfigEntry, ConfigNodeReader } from "./config-node-reader.ts";
import { findPathGlobProblem } from "./path-globs.ts";
import { type PullRequestSettings, readPullRequestSettings } from "./read-pull-request-settings.ts";
import { readTargetPolicy, TARGET_POLICY_KEYS, type TargetPolicy } from "./read-target-policy.ts";

/** Where the config file may live at the GitOps repository root; the first that exists wins. */
export const CONFIG_PATHS: readonly string[] = [".heimdall.yaml", ".heimdall.yml"];

/** The commit headline for one image when the config sets no `commitMessage`. */
export const DEFAULT_COMMIT_MESSAGE = "Automated commit by ECR push ({repository}:{tag})";

/**
 * Placeholders a `commitMessage` template may use; each is replaced by the push's value, `{revision}` and
 * `{source}` by the image's `org.opencontainers.image.revision` / `.source` labels (`unknown` without them).
 */
export const COMMIT_MESSAGE_PLACEHOLDERS: readonly string[] = [
  "repository",
  "tag",
  "digest",
  "registry",
  "revision",
  "source",
];

/**
 * The validated contents of `.heimdall.yaml`: which manifests each ECR repository updates, and how
 * commits are titled. Plain data (no compiled matchers), so it can be logged and compared.
 */
export interface HeimdallConfig {
  /** The file it was read from; absent for {@link DEFAULT_CONFIG}. */
  readonly file?: string;
  /**
   * Commit headline template for one image, with `{repository}` `{tag}` `{digest}` `{registry}`
   * `{revision}` `{source}`.
   */
  readonly commitMessage: string;
  /** Registry hosts, besides the push's own, whose image references also count (lowercase). */
  readonly registries: readonly string[];
  /** What a repository no target matches gets: the `apps/<first segment>/**` convention, or nothing. */
  readonly fallback: "convention" | "none";
  readonly targets: readonly HeimdallTarget[];
}

/** One `targets[i]` entry: where its pushes go, and the operator's policy for them. */
export interface HeimdallTarget extends TargetPolicy {
  /** `targets[i]`, for messages. */
  readonly name: string;
  /** Glob over ECR repository names (`*` does not cross `/`). */
  readonly repository: string;
  /** Globs over repository paths; `!` excludes. Checked by `findPathGlobProblem`. */
  readonly paths: readonly string[];
  /** Regular expression source a tag must match (searched, not anchored: write `^…$`). */
  readonly tags?: string;
  /** Extra registry hosts for this target only (lowercase). */
  readonly registries: readonly string[];
  /** Present: this target's files are proposed through the image's pull request, not committed. */
  readonly pullRequest?: PullRequestSettings;
}

/** What heimdall does without a config file: the original tool's `apps/<namespace>/` convention. */
export const DEFAULT_CONFIG: HeimdallConfig = Object.freeze({
  commitMessage: DEFAULT_COMMIT_MESSAGE,
  registries: Object.freeze([]),
  fallback: "convention",
  targets: Object.freeze([]),
});

const TOP_KEYS = ["version", "commitMessage", "registries", "fallback", "targets"] as const;
const TARGET_KEYS = [
  "repository",
  "paths",
  "tags",
  "registries",
  ...TARGET_POLICY_KEYS,
  "pullRequest",
] as const;
const FALLBACKS = ["convention", "none"] as const;

// host[:port], DNS labels; enough to catch URLs, paths and typos such as a trailing dot.
const REGISTRY_HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;
// ECR repository names are lowercase `[a-z0-9._/-]`; the rest are glob characters.
const REPOSITORY_GLOB = /^[a-z0-9._/\-*?[\]{}(),!+@|\\]+$/;

/**
 * Parses and strictly validates a `.heimdall.yaml` file. The file is only ever read, never edited.
 *
 * Every scalar is read as a string (YAML failsafe schema), so `version: 1` and `tags: 46` need no
 * quotes. Unknown keys, wrong types, empty lists, invalid regular expressions or globs, absolute
 * paths, `..`, aliases and YAML syntax errors all throw `InvalidConfigError` with a message such as
 * `.heimdall.yaml:7: targets[1].tags: invalid regular expression '^(v' — …`.
 *
 * @param path the file's repository path, used in messages (`.heimdall.yaml`)
 * @example
 * const config = parseHeimdallConfig(".heimdall.yaml", [
 *   "version: 1",
 *   "targets:",
 *   "  - repository: snutt-prod/*",
 *   "    paths: [apps/snutt-prod/**]",
 *   "    tags: '^v\\d+\\.\\d+\\.\\d+$'",
 * ].join("\n"));
 * config.targets[0]?.tags; // "^v\d+\.\d+\.\d+$"
 */
export function parseHeimdallConfig(path: string, text: string): HeimdallConfig {
  const parsed = ConfigNodeReader.parse(path, text);
  // Typed explicitly so that `reader.fail(…)` (returns never) narrows the values checked before it.
  const reader: ConfigNodeReader = parsed.reader;
  const contents = parsed.contents;
  if (contents === null)
    reader.fail(undefined, undefined, "the file is empty; start it with 'version: 1'", 1);

  const top = reader.map(contents, undefined, TOP_KEYS);
  const version = top.get("version");
  if (version === undefined)
    reader.fail(contents, "version", "is missing; add 'version: 1' as the first line");
  const versionValue = reader.string(version, "version");
  if (versionValue !== "1") {
    reader.fail(
      version.value,
      "version",
      `unsupported version '${versionValue}'; this heimdall reads version: 1`,
    );
  }

  const config: { -readonly [K in keyof HeimdallConfig]: HeimdallConfig[K] } = {
    file: path,
    commitMessage: DEFAULT_COMMIT_MESSAGE,
    registries: [],
    fallback: "convention",
    targets: [],
  };
  const commitMessage = top.get("commitMessage");
  if (commitMessage !== undefined) config.commitMessage = readCommitMessage(reader, commitMessage);
  const registries = top.get("registries");
  if (registries !== undefined) config.registries = readRegistries(reader, registries, "registries");
  const fallback = top.get("fallback");
  if (fallback !== undefined) config.fallback = reader.oneOf(fallback, "fallback", FALLBACKS);
  const targets = top.get("targets");
  if (targets !== undefined) {
    config.targets = reader
      .mapList(targets, "targets", TARGET_KEYS)
      .map((item) => readTarget(reader, item.entries, item.key, item.node));
  }
  return config;
}

function readTarget(
  reader: ConfigNodeReader,
  entries: ReadonlyMap<string, ConfigEntry>,
  name: string,
  itemNode: unknown,
): HeimdallTarget {
  const repositoryEntry = entries.get("repository");
  const pathsEntry = entries.get("paths");
  if (repositoryEntry === undefined) {
    reader.fail(
      itemNode,
      `${name}.repository`,
      "is missing; name the ECR repository (glob), e.g. 'snutt-dev/*'",
    );
  }
  if (pathsEntry === undefined) {
    reader.fail(itemNode, `${name}.paths`, "is missing; list the manifest globs, e.g. ['apps/snutt-dev/**']");
  }
  const repository = readRepositoryGlob(reader, repositoryEntry, `${name}.repository`);
  const paths = reader.stringList(pathsEntry, `${name}.paths`, (glob, node, key) => {
    const problem = findPathGlobProblem(glob);
    if (problem !== undefined) reader.fail(node, key, `'${glob}': ${problem}`);
    return glob;
  });
  if (paths.every((glob) => glob.startsWith("!"))) {
    reader.fail(pathsEntry.value, `${name}.paths`, "has only '!' excludes; add a glob that includes files");
  }
  const target: { -readonly [K in keyof HeimdallTarget]: HeimdallTarget[K] } = {
    name,
    repository,
    paths,
    registries: [],
    ...readTargetPolicy(reader, entries, name),
  };
  const tags = entries.get("tags");
  if (tags !== undefined) target.tags = readTagPattern(reader, tags, `${name}.tags`);
  const registries = entries.get("registries");
  if (registries !== undefined) target.registries = readRegistries(reader, registries, `${name}.registries`);
  const pullRequest = entries.get("pullRequest");
  if (pullRequest !== undefined) {
    target.pullRequest = readPullRequestSettings(reader, pullRequest, `${name}.pullRequest`);
  }
  return target;
}

function readCommitMessage(reader: ConfigNodeReader, entry: ConfigEntry): string {
  const template = reader.string(entry, "commitMessage");
  if (/[\r\n]/.test(template)) {
    reader.fail(entry.value, "commitMessage", "must be one line (it becomes the commit headline)");
  }
  for (const match of template.matchAll(/\{([A-Za-z_][\w-]*)\}/g)) {
    const name = match[1] ?? "";
    if (!COMMIT_MESSAGE_PLACEHOLDERS.includes(name)) {
      const known = COMMIT_MESSAGE_PLACEHOLDERS.map((placeholder) => `{${placeholder}}`).join(" ");
      reader.fail(entry.value, "commitMessage", `unknown placeholder '{${name}}'; use ${known}`);
    }
  }
  return template;
}

function readRegistries(reader: ConfigNodeReader, entry: ConfigEntry, key: string): string[] {
  const hosts = reader.stringList(entry, key, (value, node, itemKey) => {
    const host = value.trim().toLowerCase();
    if (!REGISTRY_HOST.test(host)) {
      reader.fail(
        node,
        itemKey,
        `'${value}' is not a registry host; write only the host, e.g. 111122223333.dkr.ecr.us-east-1.amazonaws.com`,
      );
    }
    return host;
  });
  return [...new Set(hosts)];
}

function readRepositoryGlob(reader: ConfigNodeReader, entry: ConfigEntry, key: string): string {
  const glob = reader.string(entry, key);
  const fail = (problem: string): never => reader.fail(entry.value, key, `'${glob}': ${problem}`);
  if (/[A-Z]/.test(glob))
    fail("ECR repository names are lowercase, so this never matches; write it in lowercase");
  if (!REPOSITORY_GLOB.test(glob)) fail("contains characters an ECR repository name or glob cannot have");
  if (glob.startsWith("!")) fail("negation is not supported; add one target per repository glob instead");
  if (glob.startsWith("/") || glob.endsWith("/") || glob.includes("//")) {
    fail(
      "must be a repository name like 'snutt-dev/snutt-timetable', without leading, trailing or double '/'",
    );
  }
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
  } catch (error) {
    fail(`invalid glob: ${error instanceof Error ? error.message : String(error)}`);
  }
  return glob;
}

function readTagPattern(reader: ConfigNodeReader, entry: ConfigEntry, key: string): string {
  const source = reader.string(entry, key);
  try {
    compileTagPattern(source);
  } catch (error) {
    // RE2 repeats the pattern after the reason ("missing closing ): `^(v`"); keep the reason only.
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(/^error parsing regexp: /, "")
      .replace(/: `[\s\S]*$/, "");
    // A pattern can be any length; the message quotes at most 80 characters of it.
    const shown = source.length > 80 ? `${source.slice(0, 80)}…` : source;
    reader.fail(
      entry.value,
      key,
      `invalid regular expression '${shown}' — ${reason}; fix the pattern (RE2 syntax: no lookaround or backreferences)`,
    );
  }
  return source;
}
