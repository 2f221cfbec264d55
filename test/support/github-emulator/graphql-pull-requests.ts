import type { EmulatorState } from "./emulator-state.ts";
import { GitHubGraphqlError } from "./github-graphql-error.ts";
import { connection, type PageArgs, pageSize } from "./graphql-connection.ts";
import type { EmulatedMergeMethod, EmulatedPullRequest } from "./pull-request-store.ts";

type Node = Record<string, unknown>;

const FORBIDDEN = "Resource not accessible by integration";

interface PullRequestsArgs extends PageArgs {
  readonly headRefName?: string;
  readonly baseRefName?: string;
  readonly states?: readonly string[];
  readonly orderBy?: { readonly field: string; readonly direction: "ASC" | "DESC" };
}

/**
 * Pull requests in GitHub's GraphQL shape: `Repository.pullRequests` (filters `headRefName`, `baseRefName`,
 * `states`, ordered by creation), `Repository.pullRequest(number)` and `Repository.refs(refPrefix)`, plus the
 * mutations `createPullRequest`, `updatePullRequest`, `enablePullRequestAutoMerge` and `mergePullRequest`.
 *
 * Without the "Pull requests" permission, every pull request node fails with FORBIDDEN "Resource not
 * accessible by integration" (the connection itself still answers, so a list with no pull requests stays an
 * empty list, as on GitHub) and every mutation is refused the same way. `enablePullRequestAutoMerge` says
 * "Auto merge is not allowed for this repository" when the setting is off, and "Pull request Pull request is
 * in clean status" when no required check is left to wait for.
 *
 * @example
 * const graph = createPullRequestGraph(state);
 * const root = { ...graph.mutations, repository: ... };
 */
export function createPullRequestGraph(state: EmulatorState) {
  const { pulls } = state;
  const webUrl = `${state.htmlBaseUrl}/${state.nameWithOwner}`;
  const repositoryId = Buffer.from(`Repository:${state.nameWithOwner}`).toString("base64url");

  function writable(): void {
    if (pulls.settings.pullRequests !== "write") throw new GitHubGraphqlError("FORBIDDEN", FORBIDDEN);
  }

  const refused = (): never => {
    throw new GitHubGraphqlError("FORBIDDEN", FORBIDDEN);
  };

  function pullRequestNode(pr: EmulatedPullRequest): Node {
    if (pulls.settings.pullRequests !== "write") {
      return new Proxy({}, { get: (_target, key) => (key === "__typename" ? "PullRequest" : refused) });
    }
    const url = `${webUrl}/pull/${pr.number}`;
    return {
      __typename: "PullRequest",
      id: pr.id,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      url,
      permalink: url,
      state: pr.state,
      closed: pr.state !== "OPEN",
      merged: pr.state === "MERGED",
      isDraft: pr.isDraft,
      headRefName: pr.headRefName,
      baseRefName: pr.baseRefName,
      headRefOid: async () => (await pulls.headOid(pr)) ?? "0".repeat(40),
      baseRefOid: async () => (await state.refs.current(`refs/heads/${pr.baseRefName}`)) ?? "0".repeat(40),
      createdAt: new Date(pr.createdAt).toISOString(),
      mergeStateStatus: () => (pulls.settings.requiredChecks ? "BLOCKED" : "CLEAN"),
      labels: (args: PageArgs) => {
        const names = pr.labels.slice(0, pageSize("labels", args));
        return connection(
          names.map((name) => ({ __typename: "Label", id: `Label:${name}`, name, color: "ededed" })),
          pr.labels.length,
        );
      },
      autoMergeRequest:
        pr.autoMergeMethod === undefined ? null : { mergeMethod: pr.autoMergeMethod, enabledAt: null },
    };
  }

  function requireRepository(id: string): void {
    if (id !== repositoryId)
      throw new GitHubGraphqlError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
  }

  return {
    repositoryFields: {
      pullRequests: (args: PullRequestsArgs) => {
        const first = pageSize("pullRequests", args);
        const matching = pulls.pulls.filter(
          (pr) =>
            (args.headRefName === undefined || pr.headRefName === args.headRefName) &&
            (args.baseRefName === undefined || pr.baseRefName === args.baseRefName) &&
            (args.states === undefined || args.states.includes(pr.state)),
        );
        const sorted = [...matching].sort((a, b) =>
          args.orderBy?.direction === "DESC" ? b.createdAt - a.createdAt : a.createdAt - b.createdAt,
        );
        return connection(sorted.slice(0, first).map(pullRequestNode), sorted.length);
      },
      pullRequest: ({ number }: { number: number }) => {
        const pr = pulls.pulls.find((candidate) => candidate.number === number);
        return pr === undefined ? null : pullRequestNode(pr);
      },
      refs: async (args: PageArgs & { refPrefix: string }) => {
        const first = pageSize("refs", args);
        const names = await state.refs.list(args.refPrefix);
        const nodes = names.slice(0, first).map((qualified) => ({
          __typename: "Ref",
          id: Buffer.from(`Ref:${qualified}`).toString("base64url"),
          name: qualified.slice(args.refPrefix.length),
          prefix: args.refPrefix,
        }));
        return connection(nodes, names.length);
      },
    },
    mutations: {
      async createPullRequest({ input }: { input: Record<string, unknown> }) {
        writable();
        requireRepository(String(input.repositoryId));
        const pr = await pulls.open({
          base: String(input.baseRefName),
          head: String(input.headRefName),
          title: String(input.title),
          body: typeof input.body === "string" ? input.body : "",
          draft: input.draft === true,
        });
        return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullRequestNode(pr) };
      },
      async updatePullRequest({ input }: { input: Record<string, unknown> }) {
        writable();
        const pr = pulls.byId(String(input.pullRequestId));
        if (typeof input.title === "string") pr.title = input.title;
        if (typeof input.body === "string") pr.body = input.body;
        if (input.state === "CLOSED") await pulls.close(pr);
        return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullRequestNode(pr) };
      },
      async enablePullRequestAutoMerge({ input }: { input: Record<string, unknown> }) {
        writable();
        const pr = pulls.byId(String(input.pullRequestId));
        if (!pulls.settings.allowAutoMerge) {
          throw new GitHubGraphqlError("UNPROCESSABLE", "Auto merge is not allowed for this repository");
        }
        if (pr.isDraft)
          throw new GitHubGraphqlError("UNPROCESSABLE", "Pull request Pull request is in draft state");
        if (!pulls.settings.requiredChecks) {
          throw new GitHubGraphqlError("UNPROCESSABLE", "Pull request Pull request is in clean status");
        }
        pr.autoMergeMethod = (input.mergeMethod as EmulatedMergeMethod | undefined) ?? "MERGE";
        return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullRequestNode(pr) };
      },
      async mergePullRequest({ input }: { input: Record<string, unknown> }) {
        writable();
        const pr = pulls.byId(String(input.pullRequestId));
        const method = (input.mergeMethod as EmulatedMergeMethod | undefined) ?? "MERGE";
        const expected = typeof input.expectedHeadOid === "string" ? input.expectedHeadOid : undefined;
        await pulls.merge(pr, method, "app", expected);
        return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullRequestNode(pr) };
      },
      async updateRefs({ input }: { input: Record<string, unknown> }) {
        requireRepository(String(input.repositoryId));
        const updates = (input.refUpdates as readonly Record<string, unknown>[]).map((update) => ({
          name: String(update.name),
          ...(typeof update.beforeOid === "string" ? { beforeOid: update.beforeOid } : {}),
          afterOid: String(update.afterOid),
          force: update.force === true,
        }));
        for (const update of updates) {
          if (!/^refs\/[^/]+\/.+/.test(update.name)) {
            throw new GitHubGraphqlError("UNPROCESSABLE", `Invalid ref name: ${update.name}`);
          }
        }
        const result = await state.moveRefs(updates);
        if (!result.ok)
          throw new GitHubGraphqlError("UNPROCESSABLE", `Ref update rejected: ${result.reason}`);
        return { clientMutationId: input.clientMutationId ?? null };
      },
    },
  };
}
