import type { Octokit } from "@octokit/core";
import type { CommitRequest, CommitResult } from "../core/index.ts";

interface LandedAnswer {
  readonly repository: {
    readonly ref: {
      readonly target: {
        readonly oid?: string;
        readonly url?: string;
        readonly message?: string;
        readonly parents?: { readonly nodes: readonly { readonly oid: string }[] };
        readonly [file: `f${number}`]: { readonly object: { readonly text?: string | null } | null } | null;
      } | null;
    } | null;
  } | null;
}

/**
 * After a commit was refused as stale, tells whether the branch head *is* that commit: the retry plugin
 * re-sends a mutation whose reply was lost (a 502 after GitHub committed), and GitHub then refuses the
 * retry because its own first attempt moved the branch. The head counts as ours only when its single
 * parent is the expected head, its message is ours and every file we wrote has exactly our text; then the
 * update is reported with that commit instead of "no change". Any doubt (or a failed lookup) → undefined,
 * and the caller treats the head as someone else's.
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
  const { request } = options;
  const files = request.files;
  const variables: Record<string, string> = {
    owner: options.owner,
    name: options.repo,
    ref: `refs/heads/${options.branch}`,
  };
  files.forEach((file, index) => {
    variables[`p${index}`] = file.path;
  });
  const query = `query HeimdallLandedCommit($owner: String!, $name: String!, $ref: String!${files
    .map((_, index) => `, $p${index}: String!`)
    .join("")}) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) {
      target {
        ... on Commit {
          oid
          url
          message
          parents(first: 2) { nodes { oid } }
${files.map((_, index) => `          f${index}: file(path: $p${index}) { object { ... on Blob { text } } }`).join("\n")}
        }
      }
    }
  }
}`;
  let head:
    | NonNullable<NonNullable<NonNullable<LandedAnswer["repository"]>["ref"]>["target"]>
    | null
    | undefined;
  try {
    head = (await options.octokit.graphql<LandedAnswer>(query, variables)).repository?.ref?.target;
  } catch {
    return undefined;
  }
  if (head?.oid === undefined) return undefined;
  const parents = head.parents?.nodes.map((parent) => parent.oid) ?? [];
  const message = request.body === "" ? request.headline : `${request.headline}\n\n${request.body}`;
  const ours =
    parents.length === 1 &&
    parents[0] === request.expectedHeadOid &&
    head.message?.trimEnd() === message.trimEnd() &&
    files.every((file, index) => head?.[`f${index}`]?.object?.text === file.contents);
  if (!ours) return undefined;
  return head.url === undefined ? { oid: head.oid } : { oid: head.oid, url: head.url };
}
