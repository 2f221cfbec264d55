import { readFileSync } from "node:fs";
import {
  buildSchema,
  execute,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from "graphql";
import type { EmulatorState } from "./emulator-state.ts";
import { GitHubGraphqlError } from "./github-graphql-error.ts";
import { createGraphqlModel } from "./graphql-model.ts";

/** What one `POST /graphql` produced; GitHub answers 200 even when `errors` is set. */
export interface GraphqlResponse {
  readonly body: Record<string, unknown>;
  /** `query`/`mutation`, undefined when the document did not parse or validate. */
  readonly operationType?: "query" | "mutation" | "subscription";
  /** Top-level selected fields, e.g. `["createCommitOnBranch"]`, for the request log. */
  readonly rootFields: readonly string[];
}

let schema: GraphQLSchema | undefined;

/**
 * GitHub's public GraphQL schema (`@octokit/graphql-schema`), built once per process.
 * The published SDL declares two `EnterpriseOwnerInfo` fields twice, which graphql-js's SDL validation
 * refuses; the duplicates are identical, so SDL validation is skipped rather than the file patched.
 */
function githubSchema(): GraphQLSchema {
  if (!schema) {
    // The package exports only its ESM entry (which also parses a 5 MB JSON); read the SDL file directly.
    const file = new URL("../../../node_modules/@octokit/graphql-schema/schema.graphql", import.meta.url);
    schema = buildSchema(readFileSync(file, "utf8"), { assumeValidSDL: true, assumeValid: true });
  }
  return schema;
}

// graphql-js words a missing field differently from GitHub; clients and logs see GitHub's wording.
function githubValidationError(error: GraphQLError): Record<string, unknown> {
  const locations = error.locations ?? [];
  const unknownField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (unknownField) {
    return {
      extensions: { code: "undefinedField", typeName: unknownField[2], fieldName: unknownField[1] },
      locations,
      message: `Field '${unknownField[1]}' doesn't exist on type '${unknownField[2]}'`,
    };
  }
  return { locations, message: error.message };
}

function githubExecutionError(error: GraphQLError): Record<string, unknown> {
  const original = error.originalError;
  const shaped: Record<string, unknown> = {};
  if (original instanceof GitHubGraphqlError) shaped.type = original.type;
  if (error.path) shaped.path = error.path;
  shaped.locations = error.locations ?? [];
  shaped.message = error.message;
  return shaped;
}

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeAdditions(additions: readonly { path: string; contents: string }[]) {
  return additions.map(({ path, contents }) => {
    if (!STRICT_BASE64.test(contents)) {
      throw new GitHubGraphqlError("UNPROCESSABLE", `Could not decode the contents of "${path}" as Base64.`);
    }
    return { path, bytes: Buffer.from(contents, "base64") };
  });
}

function checkPath(path: string): void {
  const parts = path.split("/");
  if (path === "" || parts.some((part) => part === "" || part === "." || part === "..")) {
    throw new GitHubGraphqlError("UNPROCESSABLE", `"${path}" is not a valid file path.`);
  }
}

interface CreateCommitOnBranchInput {
  readonly branch: {
    readonly repositoryNameWithOwner?: string;
    readonly branchName?: string;
    readonly id?: string;
  };
  readonly clientMutationId?: string;
  readonly expectedHeadOid: string;
  readonly fileChanges?: {
    readonly additions?: readonly { path: string; contents: string }[];
    readonly deletions?: readonly { path: string }[];
  };
  readonly message: { readonly headline: string; readonly body?: string | null };
}

/**
 * Executes GraphQL requests against GitHub's real schema: documents that GitHub would reject fail
 * validation here too (HTTP 200, `errors`, no `data`), and only the resolvers of `createGraphqlModel`
 * plus the `createCommitOnBranch` mutation (and the pull request and `updateRefs` mutations of
 * `createPullRequestGraph`) exist. A stale `expectedHeadOid` gets GitHub's answer:
 * `data: { createCommitOnBranch: null }` and an error of `type: "STALE_DATA"` with message
 * `Expected branch to point to "<oid>" but it did not. Pull and try again.`
 *
 * @example
 * const graphql = createGraphqlEndpoint(state);
 * const { body } = await graphql.handle({ query: "{ repository(owner:\"o\",name:\"r\") { url } }" });
 */
export function createGraphqlEndpoint(state: EmulatorState) {
  const model = createGraphqlModel(state);

  async function createCommitOnBranch({ input }: { input: CreateCommitOnBranchInput }) {
    const { branch } = input;
    if (branch.id !== undefined && branch.branchName === undefined) {
      throw new GitHubGraphqlError(
        "UNPROCESSABLE",
        "The GitHub emulator identifies branches by repositoryNameWithOwner and branchName; branch.id is not supported.",
      );
    }
    if (
      branch.repositoryNameWithOwner?.toLowerCase() !== state.nameWithOwner.toLowerCase() ||
      !branch.branchName
    ) {
      throw new GitHubGraphqlError(
        "NOT_FOUND",
        `Could not resolve to a Repository with the name '${branch.repositoryNameWithOwner ?? ""}'.`,
      );
    }
    const qualified = `refs/heads/${branch.branchName}`;
    if (!(await state.git.revParse(qualified))) {
      throw new GitHubGraphqlError(
        "NOT_FOUND",
        `A ref named "${qualified}" does not exist in ${state.nameWithOwner}.`,
      );
    }
    const additions = decodeAdditions(input.fileChanges?.additions ?? []);
    const deletions = (input.fileChanges?.deletions ?? []).map((deletion) => deletion.path);
    for (const path of [...additions.map((a) => a.path), ...deletions]) checkPath(path);
    const body = input.message.body ?? "";
    const result = await state.commit({
      via: "createCommitOnBranch",
      branch: branch.branchName,
      expectedHeadOid: input.expectedHeadOid,
      additions,
      deletions,
      message: body === "" ? input.message.headline : `${input.message.headline}\n\n${body}`,
    });
    if (!result.ok && result.reason === "stale") {
      throw new GitHubGraphqlError(
        "STALE_DATA",
        `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
      );
    }
    if (!result.ok) {
      throw new GitHubGraphqlError(
        "UNPROCESSABLE",
        `A path was requested for deletion which does not exist as of commit oid \`${input.expectedHeadOid}\``,
      );
    }
    return {
      clientMutationId: input.clientMutationId ?? null,
      commit: model.commitNode(result.oid),
      ref: model.refNode(qualified),
    };
  }

  return {
    /** Operation type and top-level fields of a request body, for logging and fault matching; never throws. */
    describe(request: unknown): { operationType: string; rootFields: readonly string[] } {
      const { query, operationName } = (request ?? {}) as { query?: unknown; operationName?: unknown };
      try {
        const operation = getOperationAST(
          parse(String(query)),
          typeof operationName === "string" ? operationName : undefined,
        );
        const rootFields = (operation?.selectionSet.selections ?? []).flatMap((selection) =>
          selection.kind === "Field" ? [selection.name.value] : [],
        );
        return { operationType: operation?.operation ?? "query", rootFields };
      } catch {
        return { operationType: "query", rootFields: [] };
      }
    },
    async handle(request: unknown): Promise<GraphqlResponse> {
      const { query, variables, operationName } = (request ?? {}) as {
        query?: unknown;
        variables?: unknown;
        operationName?: unknown;
      };
      if (typeof query !== "string") {
        return {
          body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
          rootFields: [],
        };
      }
      let document: ReturnType<typeof parse>;
      try {
        document = parse(query);
      } catch (error) {
        return { body: { errors: [githubValidationError(error as GraphQLError)] }, rootFields: [] };
      }
      const operation = getOperationAST(
        document,
        typeof operationName === "string" ? operationName : undefined,
      );
      const rootFields = (operation?.selectionSet.selections ?? []).flatMap((selection) =>
        selection.kind === "Field" ? [selection.name.value] : [],
      );
      const invalid = validate(githubSchema(), document);
      if (invalid.length > 0) return { body: { errors: invalid.map(githubValidationError) }, rootFields };
      const result = await execute({
        schema: githubSchema(),
        document,
        rootValue: { repository: model.repository, createCommitOnBranch, ...model.mutations },
        variableValues:
          typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : {},
        operationName: typeof operationName === "string" ? operationName : null,
      });
      const body: Record<string, unknown> = {};
      if (result.data !== undefined) body.data = result.data;
      if (result.errors) body.errors = result.errors.map(githubExecutionError);
      return operation ? { body, operationType: operation.operation, rootFields } : { body, rootFields };
    },
  };
}
