import type { LastChange, LastChangesRequest, LineChanges } from "../core/index.ts";

/** One `blame` answer: GitHub groups consecutive lines last changed by the same commit into a range. */
interface BlameAnswer {
  readonly ranges: readonly {
    readonly startingLine: number;
    readonly endingLine: number;
    readonly commit: { readonly oid: string; readonly committedDate: string };
  }[];
}

interface BlameQueryAnswer {
  readonly repository: { readonly object: Readonly<Record<string, BlameAnswer | null>> | null } | null;
}

// Blame is one of GitHub's costlier fields: a handful of files per query keeps each query well inside its
// time limit, and one query per batch keeps the reconcile's request count small.
const FILES_PER_QUERY = 20;

/**
 * Answers the reconcile's "when did these lines last change?" from GitHub's GraphQL `blame`, pinned to the
 * commit oid the reconcile read (so a moving branch cannot mix two states), in one query per 20 files, each
 * giving up at `request.deadline`.
 * Each requested line gets the commit of the blame range holding it; a file GitHub answers no blame for is
 * missing from the answer.
 *
 * @param graphql runs one query and maps failures to `GitHubApiError` (the adapter's own)
 * @example
 * await readLineChanges(graphql, { owner: "wafflestudio", repo: "gitops" }, {
 *   headOid, lines: new Map([["apps/snutt-dev/api/deployment.yaml", [10]]]),
 * });
 * // Map { "apps/snutt-dev/api/deployment.yaml" => Map { 10 => { at: 2026-11-20T10:01:00.000Z, commit: "4f1c…" } } }
 */
export async function readLineChanges(
  graphql: <T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    action: string,
    deadline: number | undefined,
  ) => Promise<T>,
  where: { readonly owner: string; readonly repo: string },
  request: LastChangesRequest,
): Promise<LineChanges> {
  const files = [...request.lines.keys()];
  const answer = new Map<string, ReadonlyMap<number, LastChange>>();
  for (let start = 0; start < files.length; start += FILES_PER_QUERY) {
    const batch = files.slice(start, start + FILES_PER_QUERY);
    const variables: Record<string, string> = { owner: where.owner, name: where.repo, oid: request.headOid };
    const declarations = ["$owner: String!", "$name: String!", "$oid: GitObjectID!"];
    const selections = batch.map((file, index) => {
      variables[`p${index}`] = file;
      declarations.push(`$p${index}: String!`);
      return `b${index}: blame(path: $p${index}) { ranges { startingLine endingLine commit { oid committedDate } } }`;
    });
    const query = [
      `query HeimdallBlame(${declarations.join(", ")}) {`,
      `  repository(owner: $owner, name: $name) { object(oid: $oid) { ... on Commit { ${selections.join(" ")} } } }`,
      "}",
    ].join("\n");
    const result = await graphql<BlameQueryAnswer>(
      query,
      variables,
      `reading the history of ${batch.length} files`,
      request.deadline,
    );
    batch.forEach((file, index) => {
      const blame = result.repository?.object?.[`b${index}`];
      if (blame === null || blame === undefined) return;
      const lines = new Map<number, LastChange>();
      for (const line of request.lines.get(file) ?? []) {
        const range = blame.ranges.find((entry) => entry.startingLine <= line && line <= entry.endingLine);
        const at = range === undefined ? Number.NaN : Date.parse(range.commit.committedDate);
        if (range !== undefined && !Number.isNaN(at))
          lines.set(line, { at: new Date(at), commit: range.commit.oid });
      }
      answer.set(file, lines);
    });
  }
  return answer;
}
