import type { Octokit } from "@octokit/core";
import type { CommitRequest, CommitResult } from "../core/index.ts";

/** How far below the branch head a commit of ours is looked for. */
const HISTORY_DEPTH = 20;

interface HistoryAnswer {
  readonly repository: {
    readonly ref: {
      readonly target: {
        readonly history?: {
          readonly nodes: readonly {
            readonly oid: string;
            readonly url?: string;
            readonly message?: string;
            readonly parents?: { readonly nodes: readonly { readonly oid: string }[] };
          }[];
        };
      } | null;
    } | null;
  } | null;
}

interface FilesAnswer {
  readonly repository: {
    readonly object: {
      readonly [file: `f${number}`]: { readonly object: { readonly text?: string | null } | null } | null;
    } | null;
  } | null;
}

/**
 * After a commit that was *re-sent* (its first reply was lost: a 502 or a timeout after GitHub had
 * committed) is refused as stale, tells whether the lost attempt landed: the commit whose single parent is
 * the expected head, among the last {@link HISTORY_DEPTH} of the branch (someone may have committed on top
 * since), counts as ours when its message is ours and every file we wrote has exactly our text. Then the
 * update is reported with that commit instead of "no change". Any doubt (or a failed lookup) → undefined,
 * and the caller treats the branch as moved by someone else.
 *
 * Only call it after a re-send: a request that was answered cannot have landed unseen, and a concurrent
 * copy of the same event commits the same text with the same message — that commit is not ours.
 *
 * @example
 * const landed = await findLandedCommit({ octokit, owner, repo, branch: "main", request });
 * if (landed !== undefined) return landed; // { oid, url } of the commit our lost request made
 */
export async function findLandedCommit(options: {
  readonly octokit: Pick<Octokit, "graphql">;
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly request: CommitRequest;
}): Promise<CommitResult | undefined> {
  const { request, octokit } = options;
  const deadline = request.deadline === undefined ? {} : { request: { deadline: request.deadline } };
  try {
    const history = await octokit.graphql<HistoryAnswer>(
      `query HeimdallRecentCommits($owner: String!, $name: String!, $ref: String!, $depth: Int!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) {
      target { ... on Commit { history(first: $depth) { nodes { oid url message parents(first: 2) { nodes { oid } } } } } }
    }
  }
}`,
      {
        owner: options.owner,
        name: options.repo,
        ref: `refs/heads/${options.branch}`,
        depth: HISTORY_DEPTH,
        ...deadline,
      },
    );
    const candidate = history.repository?.ref?.target?.history?.nodes.find((node) => {
      const parents = node.parents?.nodes.map((parent) => parent.oid) ?? [];
      return parents.length === 1 && parents[0] === request.expectedHeadOid;
    });
    const message = request.body === "" ? request.headline : `${request.headline}\n\n${request.body}`;
    if (candidate === undefined || candidate.message?.trimEnd() !== message.trimEnd()) return undefined;

    const variables: Record<string, unknown> = {
      owner: options.owner,
      name: options.repo,
      oid: candidate.oid,
    };
    request.files.forEach((file, index) => {
      variables[`p${index}`] = file.path;
    });
    const files = await octokit.graphql<FilesAnswer>(
      `query HeimdallCommitFiles($owner: String!, $name: String!, $oid: GitObjectID!${request.files
        .map((_, index) => `, $p${index}: String!`)
        .join("")}) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
${request.files.map((_, index) => `        f${index}: file(path: $p${index}) { object { ... on Blob { text } } }`).join("\n")}
      }
    }
  }
}`,
      { ...variables, ...deadline },
    );
    const commit = files.repository?.object;
    const ours = request.files.every((file, index) => commit?.[`f${index}`]?.object?.text === file.contents);
    if (!ours) return undefined;
    return candidate.url === undefined ? { oid: candidate.oid } : { oid: candidate.oid, url: candidate.url };
  } catch {
    return undefined;
  }
}
