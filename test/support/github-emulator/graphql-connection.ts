import { GitHubGraphqlError } from "./github-graphql-error.ts";

type Node = Record<string, unknown>;

export interface PageArgs {
  readonly first?: number;
  readonly last?: number;
}

/**
 * The page size GitHub would accept for a connection field: `first` is required and at most 100,
 * else GitHub's `MISSING_PAGINATION_BOUNDARIES` / `EXCESSIVE_PAGINATION` errors. Backward paging
 * (`last`) is not emulated and says so.
 *
 * @example
 * pageSize("history", { first: 20 }); // 20
 * pageSize("history", {}); // throws MISSING_PAGINATION_BOUNDARIES
 */
export function pageSize(field: string, args: PageArgs): number {
  if (args.last !== undefined) {
    throw new GitHubGraphqlError(
      "UNPROCESSABLE",
      `The GitHub emulator does not page \`${field}\` backwards; use \`first\`.`,
    );
  }
  if (args.first === undefined) {
    throw new GitHubGraphqlError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
    );
  }
  if (args.first > 100) {
    throw new GitHubGraphqlError(
      "EXCESSIVE_PAGINATION",
      `Requesting ${args.first} records on the \`${field}\` connection exceeds the \`first\` limit of 100 records.`,
    );
  }
  return args.first;
}

/**
 * A GitHub-shaped connection (`nodes`, `edges`, `totalCount`, `pageInfo`) over one page of nodes.
 * `totalCount` may be lazy, computed only when a query selects it.
 *
 * @example
 * connection([commitNode(a)], 3); // pageInfo.hasNextPage === true
 */
export function connection(
  nodes: readonly Node[],
  totalCount: number | (() => Promise<number>),
  hasNextPage = typeof totalCount === "number" && totalCount > nodes.length,
): Node {
  const cursor = (index: number) => Buffer.from(`cursor:${index}`).toString("base64");
  return {
    nodes,
    edges: nodes.map((node, index) => ({ node, cursor: cursor(index) })),
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: nodes.length > 0 ? cursor(0) : null,
      endCursor: nodes.length > 0 ? cursor(nodes.length - 1) : null,
    },
  };
}
