import type { ImageProvenance } from "./image-provenance-reader.ts";

/** Where an image's code came from, for commit messages, summaries and chat lines. */
export interface SourceDescription {
  /**
   * One line for people: the commit URL when the source is a GitHub repository and the revision a commit
   * SHA; otherwise honestly what the labels say — `<source> at <revision>`, `<source> (revision unknown)`
   * or `revision <revision> (source unknown)`.
   */
  readonly text: string;
  /** `https://github.com/<owner>/<repo>/commit/<sha>`, only when both labels make one. */
  readonly commitUrl?: string;
  /** The source label, normalised to `https://github.com/<owner>/<repo>` for GitHub repositories. */
  readonly source?: string;
  readonly revision?: string;
}

// GitHub's own limits: owners are alphanumerics and hyphens (≤ 39), names [A-Za-z0-9._-] (≤ 100).
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
// A full or abbreviated git object id (SHA-1 or SHA-256); a tag or branch name is not a commit link.
const COMMIT = /^[0-9a-f]{7,64}$/i;
// `git@github.com:owner/repo.git`, the scp-like form `git remote -v` prints.
const SCP_LIKE = /^git@github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/i;

/**
 * Describes an image's source from its provenance labels; `undefined` when it has neither a revision nor a source.
 *
 * GitHub sources are recognised in the forms builds write them — `https://github.com/o/r`, with `.git`,
 * a trailing `/`, a deeper path (`/tree/main`), `git+https://`, `git://`, `ssh://git@github.com/o/r` and
 * `git@github.com:o/r.git` — and normalised to `https://github.com/o/r`. Any other host (GitLab, GitHub
 * Enterprise Server) is shown as written, next to the revision, without guessing a commit URL.
 *
 * @example
 * describeSource({ revision: "9f8e7d6c5b4a", source: "git+https://github.com/wafflestudio/snutt-timetable.git" });
 * // { text: "https://github.com/wafflestudio/snutt-timetable/commit/9f8e7d6c5b4a",
 * //   commitUrl: "https://github.com/wafflestudio/snutt-timetable/commit/9f8e7d6c5b4a",
 * //   source: "https://github.com/wafflestudio/snutt-timetable", revision: "9f8e7d6c5b4a" }
 * describeSource({ revision: "v1.2.3", source: "https://gitlab.com/a/b" }).text; // "https://gitlab.com/a/b at v1.2.3"
 */
export function describeSource(provenance: ImageProvenance): SourceDescription | undefined {
  const { revision } = provenance;
  const github = provenance.source === undefined ? undefined : githubRepository(provenance.source);
  const source = github ?? provenance.source;
  const fields = {
    ...(source === undefined ? {} : { source }),
    ...(revision === undefined ? {} : { revision }),
  };
  if (source === undefined) {
    return revision === undefined ? undefined : { text: `revision ${revision} (source unknown)`, ...fields };
  }
  if (revision === undefined) return { text: `${source} (revision unknown)`, ...fields };
  if (github !== undefined && COMMIT.test(revision)) {
    const commitUrl = `${github}/commit/${revision.toLowerCase()}`;
    return { text: commitUrl, commitUrl, ...fields };
  }
  return { text: `${source} at ${revision}`, ...fields };
}

/** `https://github.com/<owner>/<repo>` for any usual spelling of a github.com repository, else undefined. */
function githubRepository(source: string): string | undefined {
  const scp = SCP_LIKE.exec(source);
  if (scp !== null) return repositoryUrl(scp[1] ?? "", scp[2] ?? "");
  let url: URL;
  try {
    url = new URL(source.replace(/^git\+/i, ""));
  } catch {
    return undefined;
  }
  if (!["https:", "http:", "git:", "ssh:"].includes(url.protocol)) return undefined;
  if (url.hostname !== "github.com" && url.hostname !== "www.github.com") return undefined;
  const [owner = "", repo = ""] = url.pathname.split("/").filter((segment) => segment !== "");
  return repositoryUrl(owner, repo.replace(/\.git$/i, ""));
}

function repositoryUrl(owner: string, repo: string): string | undefined {
  if (!OWNER.test(owner) || !NAME.test(repo) || repo === "." || repo === "..") return undefined;
  return `https://github.com/${owner}/${repo}`;
}
