import type { GraphQLRequest } from "./build-read-query.ts";

/**
 * The GraphQL query that reads a batch of blobs' texts by oid: `bN: object(oid: $bN) { ... on Blob { text
 * isTruncated } }` for each. A blob oid names its content forever, so the texts are those of the commit the
 * tree was read at, however the branch moved since. A binary blob answers `text: null`.
 *
 * @example
 * buildBlobQuery({ owner: "wafflestudio", repo: "gitops", oids: ["1f2e…"] });
 * // { query: "query HeimdallBlobs($owner: String!, $name: String!, $b0: GitObjectID!) { … }", variables: { …, b0: "1f2e…" } }
 */
export function buildBlobQuery(options: {
  readonly owner: string;
  readonly repo: string;
  readonly oids: readonly string[];
}): GraphQLRequest {
  const variables: Record<string, string> = { owner: options.owner, name: options.repo };
  const declarations = ["$owner: String!", "$name: String!"];
  const selections = options.oids.map((oid, index) => {
    variables[`b${index}`] = oid;
    declarations.push(`$b${index}: GitObjectID!`);
    return `b${index}: object(oid: $b${index}) { ... on Blob { text isTruncated } }`;
  });
  const query = [
    `query HeimdallBlobs(${declarations.join(", ")}) {`,
    `  repository(owner: $owner, name: $name) { ${selections.join(" ")} }`,
    "}",
  ].join("\n");
  return { query, variables };
}
