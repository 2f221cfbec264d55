import type { EmulatorState } from "./emulator-state.ts";
import type { GitTreeEntry } from "./git-repo.ts";
import { GitHubGraphqlError } from "./github-graphql-error.ts";
import { connection, type PageArgs, pageSize } from "./graphql-connection.ts";
import { createPullRequestGraph } from "./graphql-pull-requests.ts";

/** GitHub cuts `Blob.text` at 512 KB and says so with `isTruncated`. */
export const BLOB_TEXT_LIMIT_BYTES = 512 * 1024;

type Node = Record<string, unknown>;

// Same heuristic as git: a NUL byte in the first 8000 bytes means binary.
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

function nodeId(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`).toString("base64url");
}

/**
 * Builds the graph the GraphQL resolvers walk: plain objects whose fields are values or (lazy, async)
 * functions, in the shape graphql-js's default resolver expects, with `__typename` on every object that
 * can appear behind an interface (`GitObject`, `GitSignature`). Git is only asked for what a query
 * selects, and immutable objects come from the repository's cache.
 *
 * Implemented: `Repository` (`nameWithOwner`, `name`, `owner`, `url`, `defaultBranchRef`, `ref`,
 * `object`), `Ref`, `Commit` (`oid`, `url`, `message*`, dates, `author`, `committer`, `tree`, `file`,
 * `parents`, `history`, `blame`, `signature`), `Tree`, `TreeEntry`, `Blob` (512 KB `text` cut), and pull
 * requests and `refs(refPrefix)` (see `createPullRequestGraph`). Anything else
 * resolves to null, which GitHub's schema turns into an error for non-null fields — loud, not silent.
 *
 * @example
 * const repo = createGraphqlModel(state).repository({ owner: "o", name: "r" });
 */
export function createGraphqlModel(state: EmulatorState) {
  const { git } = state;
  const pullRequestGraph = createPullRequestGraph(state);
  const webRepoUrl = `${state.htmlBaseUrl}/${state.nameWithOwner}`;

  const blobNode = (oid: string): Node => {
    const bytes = () => git.readBlob(oid);
    return {
      __typename: "Blob",
      id: nodeId("Blob", oid),
      oid,
      abbreviatedOid: oid.slice(0, 7),
      byteSize: async () => (await bytes()).length,
      isBinary: async () => looksBinary(await bytes()),
      isTruncated: async () => (await bytes()).length > BLOB_TEXT_LIMIT_BYTES,
      text: async () => {
        const all = await bytes();
        if (looksBinary(all)) return null;
        return all.subarray(0, BLOB_TEXT_LIMIT_BYTES).toString("utf8");
      },
    };
  };

  const entryNode = (entry: GitTreeEntry, path: string): Node => {
    const dot = entry.name.lastIndexOf(".");
    return {
      name: entry.name,
      nameRaw: Buffer.from(entry.name).toString("base64"),
      path,
      pathRaw: Buffer.from(path).toString("base64"),
      type: entry.type,
      mode: Number.parseInt(entry.mode, 8),
      oid: entry.oid,
      size: entry.size,
      extension: entry.type === "blob" && dot > 0 ? entry.name.slice(dot) : null,
      isGenerated: false,
      object: () =>
        entry.type === "blob"
          ? blobNode(entry.oid)
          : entry.type === "tree"
            ? treeNode(entry.oid, path)
            : null,
    };
  };

  const treeNode = (oid: string, prefix: string): Node => ({
    __typename: "Tree",
    id: nodeId("Tree", oid),
    oid,
    abbreviatedOid: oid.slice(0, 7),
    entries: async () =>
      (await git.listTree(oid)).map((entry) =>
        entryNode(entry, prefix === "" ? entry.name : `${prefix}/${entry.name}`),
      ),
  });

  const commitNode = (oid: string): Node => {
    const read = () => git.readCommit(oid);
    const message = async () => (await read()).message.replace(/\n$/, "");
    return {
      __typename: "Commit",
      id: nodeId("Commit", oid),
      oid,
      abbreviatedOid: oid.slice(0, 7),
      url: `${webRepoUrl}/commit/${oid}`,
      commitUrl: `${webRepoUrl}/commit/${oid}`,
      resourcePath: `/${state.nameWithOwner}/commit/${oid}`,
      message,
      messageHeadline: async () => (await message()).split("\n")[0] ?? "",
      messageBody: async () => {
        const text = await message();
        const split = text.indexOf("\n\n");
        return split === -1 ? "" : text.slice(split + 2);
      },
      committedDate: async () => (await read()).committer.date,
      authoredDate: async () => (await read()).author.date,
      author: async () => (await read()).author,
      committer: async () => (await read()).committer,
      tree: async () => treeNode((await read()).tree, ""),
      file: async ({ path }: { path: string }) => {
        const clean = path.replace(/^\/+|\/+$/g, "");
        const entry = await git.entryAt(oid, clean);
        return entry ? entryNode(entry, clean) : null;
      },
      parents: async (args: PageArgs) => {
        const first = pageSize("parents", args);
        const parents = (await read()).parents;
        return connection(parents.slice(0, first).map(commitNode), parents.length);
      },
      history: async (args: PageArgs & { path?: string }) => {
        const first = pageSize("history", args);
        const scope = args.path ? { path: args.path } : {};
        const oids = await git.history(oid, { ...scope, max: first + 1 });
        const total = async () => (await git.history(oid, { ...scope, max: 1_000_000 })).length;
        return connection(oids.slice(0, first).map(commitNode), total, oids.length > first);
      },
      blame: async ({ path }: { path: string }) => {
        const clean = path.replace(/^\/+|\/+$/g, "");
        if ((await git.entryAt(oid, clean))?.type !== "blob") {
          throw new GitHubGraphqlError("NOT_FOUND", `Could not resolve file for path '${path}'.`);
        }
        const hunks = await git.blame(oid, clean);
        return {
          ranges: hunks.map((hunk) => ({ ...hunk, age: 1, commit: commitNode(hunk.commit) })),
        };
      },
      signature: () =>
        state.verified.has(oid)
          ? {
              __typename: "GpgSignature",
              email: "noreply@github.com",
              isValid: true,
              state: "VALID",
              wasSignedByGitHub: true,
              payload: "",
              signature: "",
              keyId: "B5690EEEBB952194",
            }
          : null,
    };
  };

  const objectNode = async (oid: string, path: string): Promise<Node | null> => {
    const type = await git.objectType(oid);
    if (type === "commit") return commitNode(oid);
    if (type === "tree") return treeNode(oid, path);
    if (type === "blob") return blobNode(oid);
    return null;
  };

  const refNode = (qualifiedName: string): Node => {
    const prefix = qualifiedName.startsWith("refs/tags/") ? "refs/tags/" : "refs/heads/";
    return {
      __typename: "Ref",
      id: nodeId("Ref", qualifiedName),
      name: qualifiedName.slice(prefix.length),
      prefix,
      target: async () => {
        const oid = await git.revParse(qualifiedName);
        return oid ? objectNode(oid, "") : null;
      },
    };
  };

  const repositoryNode = (): Node => ({
    __typename: "Repository",
    id: nodeId("Repository", state.nameWithOwner),
    name: state.repo,
    nameWithOwner: state.nameWithOwner,
    owner: { __typename: "Organization", login: state.owner, id: nodeId("Organization", state.owner) },
    url: webRepoUrl,
    isPrivate: true,
    ...pullRequestGraph.repositoryFields,
    defaultBranchRef: () => refNode(`refs/heads/${state.defaultBranch}`),
    ref: async ({ qualifiedName }: { qualifiedName: string }) => {
      const candidates = qualifiedName.startsWith("refs/")
        ? [qualifiedName]
        : [`refs/heads/${qualifiedName}`, `refs/tags/${qualifiedName}`];
      for (const candidate of candidates) {
        if (await git.revParse(candidate)) return refNode(candidate);
      }
      return null;
    },
    object: async ({ expression, oid }: { expression?: string; oid?: string }) => {
      const spec = expression ?? oid;
      if (spec === undefined) return null;
      const resolved = await git.revParse(spec);
      if (!resolved) return null;
      const colon = spec.indexOf(":");
      return objectNode(resolved, colon === -1 ? "" : spec.slice(colon + 1).replace(/^\/+|\/+$/g, ""));
    },
  });

  return {
    repository({ owner, name }: { owner: string; name: string }): Node {
      if (`${owner}/${name}`.toLowerCase() !== state.nameWithOwner.toLowerCase()) {
        throw new GitHubGraphqlError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return repositoryNode();
    },
    commitNode,
    refNode,
    mutations: pullRequestGraph.mutations,
  };
}
