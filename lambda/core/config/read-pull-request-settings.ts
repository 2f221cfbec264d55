import { isAlias, isMap, isScalar } from "yaml";
import type { ConfigEntry, ConfigNodeReader } from "./config-node-reader.ts";

/** How GitHub merges a pull request: a merge commit, one squashed commit, or the commits rebased. */
export type MergeMethod = "merge" | "squash" | "rebase";

/**
 * A target's `pullRequest:` — present means its files are proposed through the image's pull request
 * (head branch `heimdall/<image repository>`) instead of committed to the branch.
 */
export interface PullRequestSettings {
  /** Enable GitHub auto-merge with this method (merge at once when nothing is left to wait for). */
  readonly autoMerge?: MergeMethod;
  /** Labels put on the pull request; GitHub creates the ones the repository does not have yet. */
  readonly labels: readonly string[];
  /** Open the pull request as a draft. */
  readonly draft: boolean;
}

const KEYS = ["autoMerge", "labels", "draft"] as const;
const MERGE_METHODS: readonly MergeMethod[] = ["merge", "squash", "rebase"];
// GitHub refuses longer label names.
const MAX_LABEL_LENGTH = 50;

/**
 * Reads and validates a target's `pullRequest:` mapping (`{}` for the defaults). Wrong keys or types, an
 * unknown merge method, a label GitHub would refuse, or `draft: true` together with `autoMerge` (GitHub
 * cannot auto-merge a draft) throw `InvalidConfigError` naming file, line and key.
 *
 * @example
 * // targets[0].pullRequest: { autoMerge: squash, labels: [deploy, prod] }
 * readPullRequestSettings(reader, entry, "targets[0].pullRequest");
 * // { autoMerge: "squash", labels: ["deploy", "prod"], draft: false }
 */
export function readPullRequestSettings(
  reader: ConfigNodeReader,
  entry: ConfigEntry,
  key: string,
): PullRequestSettings {
  if (!isMap(entry.value) && !isAlias(entry.value)) {
    // `pullRequest:` with nothing after it is YAML null, not an empty mapping: say how to ask for the defaults.
    const empty = entry.value === null || (isScalar(entry.value) && (entry.value.value ?? "") === "");
    reader.fail(
      empty ? undefined : entry.value,
      key,
      empty
        ? "is empty; write 'pullRequest: {}' for the defaults"
        : "must be a mapping with the keys autoMerge, labels, draft; write 'pullRequest: {}' for the defaults",
      reader.lineOf(entry.keyNode),
    );
  }
  const entries = reader.map(entry.value, key, KEYS);
  const settings: { -readonly [K in keyof PullRequestSettings]: PullRequestSettings[K] } = {
    labels: [],
    draft: false,
  };
  const autoMerge = entries.get("autoMerge");
  if (autoMerge !== undefined)
    settings.autoMerge = reader.oneOf(autoMerge, `${key}.autoMerge`, MERGE_METHODS);
  const labels = entries.get("labels");
  if (labels !== undefined) {
    const names = reader.stringList(labels, `${key}.labels`, (name, node, itemKey) => {
      const trimmed = name.trim();
      if (trimmed.length > MAX_LABEL_LENGTH) {
        reader.fail(
          node,
          itemKey,
          `'${name}' is longer than GitHub's ${MAX_LABEL_LENGTH} characters for a label`,
        );
      }
      if (/[\r\n]/.test(trimmed)) reader.fail(node, itemKey, "a label must be one line");
      return trimmed;
    });
    settings.labels = [...new Set(names)];
  }
  const draft = entries.get("draft");
  if (draft !== undefined) settings.draft = reader.boolean(draft, `${key}.draft`);
  if (settings.draft && settings.autoMerge !== undefined) {
    reader.fail(
      draft?.value,
      `${key}.draft`,
      "GitHub cannot auto-merge a draft pull request; remove 'draft: true' or 'autoMerge'",
    );
  }
  return settings;
}
