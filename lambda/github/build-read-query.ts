import { buildProposalSelections } from "./build-proposal-selections.ts";

/** A GraphQL document with its variables, ready for `octokit.graphql(query, variables)`. */
export interface GraphQLRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** Where the read reads from: a named branch, or the default branch (whose name the answer carries). */
export type ReadTarget =
  | { readonly kind: "branch"; readonly branch: string }
  | { readonly kind: "default-branch" }
  | { readonly kind: "commit"; readonly oid: string };

/** What one read query fetches: the ref, the roots to expand and the single files (config candidates). */
export interface ReadQueryOptions {
  readonly owner: string;
  readonly repo: string;
  readonly target: ReadTarget;
  /** Directories (or files) whose tree is fetched; `""` is the whole tree. Aliased `r0`, `r1`, … */
  readonly roots: readonly string[];
  /** Single files whose blob is fetched. Aliased `c0`, `c1`, … */
  readonly files: readonly string[];
  /** Tree levels expanded below each root; deeper directories come back unexpanded. At least 1. */
  readonly depth: number;
  /**
   * `false`: the roots' blobs come back as `oid` and `byteSize` only, no `text` — the tree of a namespace too
   * large for one answer, whose texts are then read in batches (`buildBlobQuery`). Single files keep their
   * text. Default `true`.
   */
  readonly blobText?: boolean;
  /** Proposal branches whose tip, pull requests and blocking refs come in the same query (see `buildProposalSelections`). */
  readonly proposalBranches?: readonly string[];
}

/**
 * Builds the one GraphQL query that reads a commit's trees and files: the commit oid, and for every root
 * its entries (name, type, mode, and blob `text`/`isTruncated`/`oid`) `depth` levels down, and every
 * single file's blob. Everything hangs off one `Commit`, so the oid and all contents are from the same
 * commit even while the branch moves.
 *
 * Paths travel as variables, never spliced into the document, so any path is safe. GraphQL has no
 * recursion, so the levels are generated as fragments `T0` … `T{depth-1}`; a directory at the last level
 * comes back with `object` not expanded and the caller reads it with a follow-up `{ kind: "commit" }`
 * query pinned to the oid it got.
 *
 * Shape of the answer: the commit is `repository.ref.target` (branch), `repository.defaultBranchRef.target`
 * (default branch, with the branch `name` beside it) or `repository.object` (commit). On it: `oid`; `rN`,
 * the root's `TreeEntry` (or, for `""`, the commit's root `Tree`); `cN`, the single file's `TreeEntry`.
 * A path that does not exist answers `null`. Proposal branches add repository-level fields beside the commit.
 *
 * @example
 * buildReadQuery({ owner: "wafflestudio", repo: "gitops", target: { kind: "default-branch" },
 *   roots: ["apps/snutt-dev"], files: [".heimdall.yaml"], depth: 4 });
 * // { query: "query HeimdallRead($owner: String!, …", variables: { owner: "wafflestudio", …, r0: "apps/snutt-dev", c0: ".heimdall.yaml" } }
 */
export function buildReadQuery(options: ReadQueryOptions): GraphQLRequest {
  if (!Number.isInteger(options.depth) || options.depth < 1) {
    throw new RangeError(`tree depth must be a positive integer, got ${options.depth}`);
  }
  const variables: Record<string, string> = { owner: options.owner, name: options.repo };
  const declarations = ["$owner: String!", "$name: String!"];
  const selections = ["oid"];

  options.roots.forEach((root, index) => {
    if (root === "") {
      // `file(path: "")` is not a tree entry; the commit's own tree is the whole-repository root.
      selections.push(`r${index}: tree { ...T0 }`);
      return;
    }
    variables[`r${index}`] = root;
    declarations.push(`$r${index}: String!`);
    selections.push(`r${index}: file(path: $r${index}) { ...Entry }`);
  });
  options.files.forEach((file, index) => {
    variables[`c${index}`] = file;
    declarations.push(`$c${index}: String!`);
    selections.push(`c${index}: file(path: $c${index}) { type mode object { ...BlobText } }`);
  });

  const commit = `... on Commit { ${selections.join(" ")} }`;
  let repository: string;
  switch (options.target.kind) {
    case "branch":
      variables.qualifiedName = `refs/heads/${options.target.branch}`;
      declarations.push("$qualifiedName: String!");
      repository = `ref(qualifiedName: $qualifiedName) { name target { ${commit} } }`;
      break;
    case "default-branch":
      repository = `defaultBranchRef { name target { ${commit} } }`;
      break;
    case "commit":
      variables.oid = options.target.oid;
      declarations.push("$oid: GitObjectID!");
      repository = `object(oid: $oid) { ${commit} }`;
      break;
  }

  const proposals = buildProposalSelections(options.proposalBranches ?? []);
  Object.assign(variables, proposals.variables);
  declarations.push(...proposals.declarations);
  repository = [repository, ...proposals.selections].join(" ");

  // GraphQL rejects unused fragments, so each one is only added when a selection above spreads it.
  const fragments: string[] = [];
  const rootBlob = options.blobText === false ? "BlobSize" : "BlobText";
  if (options.files.length > 0 || (options.roots.length > 0 && rootBlob === "BlobText")) {
    fragments.push("fragment BlobText on Blob { oid text isTruncated }");
  }
  if (options.roots.length > 0 && rootBlob === "BlobSize") {
    fragments.push("fragment BlobSize on Blob { oid byteSize }");
  }
  if (options.roots.some((root) => root !== "")) {
    fragments.push(`fragment Entry on TreeEntry { type mode object { ...${rootBlob} ...T0 } }`);
  }
  if (options.roots.length > 0) {
    for (let level = 0; level < options.depth; level++) {
      const deeper = level + 1 < options.depth ? ` ...T${level + 1}` : "";
      fragments.push(
        `fragment T${level} on Tree { entries { name type mode object { ...${rootBlob}${deeper} } } }`,
      );
    }
  }

  const query = [
    `query HeimdallRead(${declarations.join(", ")}) {`,
    `  repository(owner: $owner, name: $name) { ${repository} }`,
    "}",
    ...fragments,
  ].join("\n");
  return { query, variables };
}
