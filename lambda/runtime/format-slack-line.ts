import { oneLine } from "../core/index.ts";

/** The outcomes the Slack notifier posts; the others (no-change, stale, ignored, …) are routine. */
export const SLACK_OUTCOMES = ["updated", "proposed", "failed", "blocked", "repaired"] as const;

const ICONS: Record<(typeof SLACK_OUTCOMES)[number], string> = {
  updated: ":white_check_mark:",
  proposed: ":memo:",
  failed: ":x:",
  blocked: ":no_entry:",
  repaired: ":wrench:",
};
const VERBS: Record<(typeof SLACK_OUTCOMES)[number], string> = {
  updated: "deployed to",
  proposed: "proposed in",
  failed: "failed in",
  blocked: "blocked in",
  repaired: "repaired in",
};
// A link target Slack will not misread: no whitespace, and none of the characters its `<url|label>` syntax uses.
const LINKABLE = /^https?:\/\/[^\s|<>]+$/;
const MAX_TEXT = 300;

/**
 * One readable Slack line (mrkdwn) for a `Heimdall Update` event's detail, or `undefined` for an outcome that is
 * not posted (see {@link SLACK_OUTCOMES}) or a detail without an outcome:
 *
 * `:white_check_mark: *snutt-dev/snutt-timetable* 45 → 46 deployed to wafflestudio/snutt-gitops · <…/commit/1a2b…|commit 1a2b3c4> · <…/commit/9f8e…|source 9f8e7d6>`
 *
 * The image with its old → new tag (`:46` alone when the old tag is unknown), the GitOps repository, a link to
 * the commit or pull request, a link to the source commit (or what the labels say about it), and for
 * `failed`/`blocked`/`repaired` the reason. The detail comes over the bus, so it is read defensively: every
 * value is cut to 300 characters, `&`, `<` and `>` are escaped, and only plain http(s) URLs become links.
 *
 * @example
 * formatSlackLine({ outcome: "failed", gitopsRepo: "wafflestudio/snutt-gitops", imageRepository: "snutt-dev/api",
 *   tag: "46", reason: "GitHub answered 403" });
 * // ":x: *snutt-dev/api*:46 failed in wafflestudio/snutt-gitops: GitHub answered 403"
 */
export function formatSlackLine(detail: unknown): string | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const record = detail as Record<string, unknown>;
  const outcome = SLACK_OUTCOMES.find((candidate) => candidate === record.outcome);
  if (outcome === undefined) return undefined;
  const text = (key: string) => {
    const value = record[key];
    return typeof value === "string" && value.trim() !== "" ? oneLine(value, MAX_TEXT) : undefined;
  };

  const image = `*${mrkdwn(text("imageRepository") ?? "an image")}*`;
  const tag = text("tag");
  const previous = Array.isArray(record.previousTags)
    ? record.previousTags
        .filter((value): value is string => typeof value === "string")
        .map((value) => oneLine(value, MAX_TEXT))
    : [];
  const change =
    tag === undefined
      ? image
      : previous.length > 0
        ? `${image} ${mrkdwn(previous.join(", "))} → ${mrkdwn(tag)}`
        : `${image}:${mrkdwn(tag)}`;
  const head = `${ICONS[outcome]} ${change} ${VERBS[outcome]} ${mrkdwn(text("gitopsRepo") ?? "the GitOps repository")}`;

  const parts = [head];
  const reason = text("reason");
  if (reason !== undefined && (outcome === "failed" || outcome === "blocked" || outcome === "repaired")) {
    parts[0] = `${head}: ${mrkdwn(reason)}`;
  }
  const pullRequest = text("pullRequestUrl");
  if (pullRequest !== undefined) {
    const number = /\/pull\/(\d+)/.exec(pullRequest)?.[1];
    parts.push(link(pullRequest, number === undefined ? "pull request" : `pull request #${number}`));
  }
  const commitUrl = text("commitUrl");
  const sha = text("commitSha")?.slice(0, 7);
  if (commitUrl !== undefined) parts.push(link(commitUrl, sha === undefined ? "commit" : `commit ${sha}`));
  else if (sha !== undefined) parts.push(`commit ${mrkdwn(sha)}`);
  const source = sourcePart(text("sourceCommitUrl"), text("sourceRevision"), text("sourceRepository"));
  if (source !== undefined) parts.push(source);
  return parts.join(" · ");
}

function sourcePart(url?: string, revision?: string, repository?: string): string | undefined {
  const short =
    revision === undefined ? undefined : /^[0-9a-f]{7,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
  if (url !== undefined) return link(url, short === undefined ? "source" : `source ${short}`);
  if (repository !== undefined && revision !== undefined)
    return `source ${mrkdwn(repository)} at ${mrkdwn(short ?? revision)}`;
  if (revision !== undefined) return `source revision ${mrkdwn(short ?? revision)}`;
  if (repository !== undefined) return `source ${mrkdwn(repository)}`;
  return undefined;
}

function link(url: string, label: string): string {
  return LINKABLE.test(url) ? `<${url}|${mrkdwn(label)}>` : mrkdwn(label);
}

/** Slack mrkdwn's three control characters; everything else shows as written. */
function mrkdwn(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
