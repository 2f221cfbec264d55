/** Repository-level selections, with their variables, that a read adds for proposal branches. */
export interface ProposalSelections {
  readonly declarations: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  readonly selections: readonly string[];
}

// How many pull requests of one head branch are looked at: the newest few, to find the one into the base.
const PULL_REQUESTS_PER_BRANCH = 5;

/**
 * The selections that put every proposal branch's state into the read's one GraphQL query: for branch
 * `N` its tip (`pN`: oid, parents, message, whether GitHub signed it), its newest pull requests (`qN`),
 * and the refs that would keep git from creating it — one below it (`xN`) and each one above it (`yN_K`:
 * `heimdall`, `heimdall/a` for `heimdall/a/b`). Plus the repository `id` the write mutations need.
 * Names travel as variables, never spliced into the document.
 *
 * @example
 * buildProposalSelections(["heimdall/snutt-prod/snutt-timetable"]).selections[0];
 * // "id"
 */
export function buildProposalSelections(branches: readonly string[]): ProposalSelections {
  if (branches.length === 0) return { declarations: [], variables: {}, selections: [] };
  const declarations: string[] = [];
  const variables: Record<string, string> = {};
  const selections = ["id"];
  branches.forEach((branch, index) => {
    variables[`p${index}`] = `refs/heads/${branch}`;
    variables[`h${index}`] = branch;
    variables[`x${index}`] = `refs/heads/${branch}/`;
    declarations.push(`$p${index}: String!`, `$h${index}: String!`, `$x${index}: String!`);
    selections.push(
      `p${index}: ref(qualifiedName: $p${index}) { target { ... on Commit { oid message parents(first: 1) { totalCount } signature { wasSignedByGitHub } } } }`,
      `q${index}: pullRequests(headRefName: $h${index}, first: ${PULL_REQUESTS_PER_BRANCH}, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { id number url state headRefOid baseRefName isDraft labels(first: 100) { nodes { name } } autoMergeRequest { mergeMethod } } }`,
      `x${index}: refs(refPrefix: $x${index}, first: 1) { nodes { name } }`,
    );
    const segments = branch.split("/");
    for (let depth = 1; depth < segments.length; depth++) {
      const name = `y${index}_${depth}`;
      variables[name] = `refs/heads/${segments.slice(0, depth).join("/")}`;
      declarations.push(`$${name}: String!`);
      selections.push(`${name}: ref(qualifiedName: $${name}) { name }`);
    }
  });
  return { declarations, variables, selections };
}
