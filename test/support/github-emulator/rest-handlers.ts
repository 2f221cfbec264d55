import type { EmulatorState } from "./emulator-state.ts";
import type { GitTreeEntry } from "./git-repo.ts";
import { type EmulatorResponse, githubErrorResponse } from "./github-error-response.ts";
import type { MatchedOperation } from "./openapi-catalog.ts";

export interface RestRequest {
  readonly operation: MatchedOperation;
  readonly query: URLSearchParams;
  /** Parsed JSON body (already validated against the operation's schema), undefined when none. */
  readonly body: unknown;
  readonly authorization: string | undefined;
}

// Contents API answers larger files without inline content.
const CONTENTS_INLINE_LIMIT = 1024 * 1024;
const APP_OPERATIONS = new Set(["apps/get-repo-installation", "apps/create-installation-access-token"]);
const PERMISSIONS = { contents: "write", metadata: "read" } as const;

// GitHub's base64 in JSON is line-wrapped at 60 characters, like Ruby's Base64.encode64.
function wrappedBase64(bytes: Buffer): string {
  const flat = bytes.toString("base64");
  return flat === "" ? "" : `${flat.match(/.{1,60}/g)?.join("\n")}\n`;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The REST operations the project uses, answering with the shapes GitHub documents (the server checks
 * 2xx bodies against the OpenAPI response schema). App endpoints want an app JWT, the rest an
 * installation token; `owner`/`repo` other than the emulated repository are 404 as on GitHub.
 *
 * Contents `PUT` checks the caller's blob `sha` (409 `<path> does not match <sha>`) and commits on the
 * branch's current head, retrying internally when another writer moved it meanwhile, as GitHub does.
 *
 * @example
 * const rest = createRestHandlers(state);
 * const response = await rest.handle({ operation, query, body, authorization });
 */
export function createRestHandlers(state: EmulatorState) {
  const api = () => state.apiBaseUrl();
  const repoApi = () => `${api()}/repos/${state.nameWithOwner}`;
  const html = `${state.htmlBaseUrl}/${state.nameWithOwner}`;

  const simpleUser = (login: string, type: "Organization" | "Bot") => {
    const url = `${api()}/users/${login}`;
    return {
      login,
      id: 1000,
      node_id: Buffer.from(`User:${login}`).toString("base64url"),
      avatar_url: `https://avatars.githubusercontent.com/u/1000?v=4`,
      gravatar_id: "",
      url,
      html_url: `${state.htmlBaseUrl}/${login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type,
      site_admin: false,
    };
  };

  const fullRepository = () => {
    const base = repoApi();
    const templated: Record<string, string> = {};
    const suffixes: Record<string, string> = {
      archive: "{archive_format}{/ref}",
      assignees: "assignees{/user}",
      blobs: "git/blobs{/sha}",
      branches: "branches{/branch}",
      collaborators: "collaborators{/collaborator}",
      comments: "comments{/number}",
      commits: "commits{/sha}",
      compare: "compare/{base}...{head}",
      contents: "contents/{+path}",
      contributors: "contributors",
      deployments: "deployments",
      downloads: "downloads",
      events: "events",
      forks: "forks",
      git_commits: "git/commits{/sha}",
      git_refs: "git/refs{/sha}",
      git_tags: "git/tags{/sha}",
      hooks: "hooks",
      issue_comment: "issues/comments{/number}",
      issue_events: "issues/events{/number}",
      issues: "issues{/number}",
      keys: "keys{/key_id}",
      labels: "labels{/name}",
      languages: "languages",
      merges: "merges",
      milestones: "milestones{/number}",
      notifications: "notifications{?since,all,participating}",
      pulls: "pulls{/number}",
      releases: "releases{/id}",
      stargazers: "stargazers",
      statuses: "statuses/{sha}",
      subscribers: "subscribers",
      subscription: "subscription",
      tags: "tags",
      teams: "teams",
      trees: "git/trees{/sha}",
    };
    for (const [key, suffix] of Object.entries(suffixes)) templated[`${key}_url`] = `${base}/${suffix}`;
    const stamp = isoSeconds(0);
    return {
      id: 2000,
      node_id: Buffer.from(`Repository:${state.nameWithOwner}`).toString("base64url"),
      name: state.repo,
      full_name: state.nameWithOwner,
      private: true,
      owner: simpleUser(state.owner, "Organization"),
      html_url: html,
      description: null,
      fork: false,
      url: base,
      ...templated,
      git_url: `git://github.com/${state.nameWithOwner}.git`,
      ssh_url: `git@github.com:${state.nameWithOwner}.git`,
      clone_url: `${html}.git`,
      svn_url: html,
      mirror_url: null,
      homepage: null,
      language: null,
      default_branch: state.defaultBranch,
      forks: 0,
      forks_count: 0,
      open_issues: 0,
      open_issues_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 0,
      network_count: 0,
      subscribers_count: 0,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      visibility: "private",
      license: null,
      pushed_at: stamp,
      created_at: stamp,
      updated_at: stamp,
    };
  };

  const contentLinks = (path: string, ref: string, entry: GitTreeEntry) => {
    const self = `${repoApi()}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const git = `${repoApi()}/git/${entry.type === "tree" ? "trees" : "blobs"}/${entry.oid}`;
    const web = `${html}/${entry.type === "tree" ? "tree" : "blob"}/${ref}/${path}`;
    return {
      name: entry.name,
      path,
      sha: entry.oid,
      size: entry.size,
      url: self,
      html_url: web,
      git_url: git,
      download_url:
        entry.type === "blob"
          ? `https://raw.githubusercontent.com/${state.nameWithOwner}/${ref}/${path}`
          : null,
      type: entry.type === "tree" ? "dir" : entry.type === "commit" ? "submodule" : "file",
      _links: { self, git, html: web },
    };
  };

  async function getContent(path: string, ref: string): Promise<EmulatorResponse> {
    const commit = await state.git.revParse(`${ref}^{commit}`);
    if (!commit) return githubErrorResponse(404, `No commit found for the ref ${ref}`);
    const entry = await state.git.entryAt(commit, path);
    if (!entry) return githubErrorResponse(404, "Not Found");
    if (entry.type === "tree") {
      const children = await state.git.listTree(entry.oid);
      return {
        status: 200,
        body: children.map((child) => contentLinks(`${path}/${child.name}`, ref, child)),
      };
    }
    const bytes = await state.git.readBlob(entry.oid);
    const inline = bytes.length <= CONTENTS_INLINE_LIMIT;
    return {
      status: 200,
      body: {
        ...contentLinks(path, ref, entry),
        content: inline ? wrappedBase64(bytes) : "",
        encoding: inline ? "base64" : "none",
      },
    };
  }

  async function putContent(path: string, body: Record<string, unknown>): Promise<EmulatorResponse> {
    const branch = typeof body.branch === "string" ? body.branch : state.defaultBranch;
    const bytes = Buffer.from(String(body.content), "base64");
    for (let attempt = 0; attempt < 10; attempt++) {
      const head = await state.git.revParse(`refs/heads/${branch}`);
      if (!head) return githubErrorResponse(404, `Branch ${branch} not found`);
      const existing = await state.git.entryAt(head, path);
      if (existing && body.sha === undefined)
        return githubErrorResponse(422, `Invalid request.\n\n"sha" wasn't supplied.`);
      if (existing && body.sha !== existing.oid)
        return githubErrorResponse(409, `${path} does not match ${String(body.sha)}`);
      const result = await state.commit({
        via: "contents",
        branch,
        expectedHeadOid: head,
        additions: [{ path, bytes }],
        deletions: [],
        message: String(body.message),
      });
      if (!result.ok) continue;
      const commit = await state.git.readCommit(result.oid);
      const entry = await state.git.entryAt(result.oid, path);
      if (!entry) throw new Error(`Emulator wrote ${path} but cannot find it in ${result.oid}`);
      return {
        status: existing ? 200 : 201,
        body: {
          content: contentLinks(path, branch, entry),
          commit: {
            sha: result.oid,
            node_id: Buffer.from(`Commit:${result.oid}`).toString("base64url"),
            url: `${repoApi()}/git/commits/${result.oid}`,
            html_url: `${html}/commit/${result.oid}`,
            author: commit.author,
            committer: commit.committer,
            message: commit.message,
            tree: { url: `${repoApi()}/git/trees/${commit.tree}`, sha: commit.tree },
            parents: commit.parents.map((sha) => ({
              url: `${repoApi()}/git/commits/${sha}`,
              html_url: `${html}/commit/${sha}`,
              sha,
            })),
            verification: {
              verified: true,
              reason: "valid",
              signature: null,
              payload: null,
              verified_at: commit.committer.date,
            },
          },
        },
      };
    }
    return githubErrorResponse(409, `${path} could not be updated: ${branch} kept moving. Try again.`);
  }

  return {
    async handle(request: RestRequest): Promise<EmulatorResponse> {
      const { operation } = request;
      const app = APP_OPERATIONS.has(operation.operationId);
      const auth = app
        ? state.authority.checkAppJwt(request.authorization)
        : state.authority.checkInstallationToken(request.authorization);
      if (!auth.ok) return githubErrorResponse(401, auth.message);
      const { owner, repo } = operation.params;
      if (owner !== undefined && `${owner}/${repo}`.toLowerCase() !== state.nameWithOwner.toLowerCase()) {
        return githubErrorResponse(404, "Not Found");
      }
      switch (operation.operationId) {
        case "apps/get-repo-installation":
          return { status: 200, body: installation() };
        case "apps/create-installation-access-token": {
          if (operation.params.installation_id !== String(state.installationId))
            return githubErrorResponse(404, "Not Found");
          const issued = state.authority.issueInstallationToken();
          return {
            status: 201,
            body: {
              token: issued.token,
              expires_at: isoSeconds(issued.expiresAt.getTime()),
              permissions: PERMISSIONS,
              repository_selection: "selected",
            },
          };
        }
        case "repos/get":
          return { status: 200, body: fullRepository() };
        case "git/get-blob": {
          const sha = operation.params.file_sha ?? "";
          const found = /^[0-9a-f]{40}$/.test(sha) ? await state.git.revParse(`${sha}^{blob}`) : undefined;
          if (!found) return githubErrorResponse(404, "Not Found");
          const bytes = await state.git.readBlob(found);
          return {
            status: 200,
            body: {
              sha: found,
              node_id: Buffer.from(`Blob:${found}`).toString("base64url"),
              size: bytes.length,
              url: `${repoApi()}/git/blobs/${found}`,
              content: wrappedBase64(bytes),
              encoding: "base64",
            },
          };
        }
        case "repos/get-content":
          return getContent(operation.params.path ?? "", request.query.get("ref") ?? state.defaultBranch);
        case "repos/create-or-update-file-contents":
          return putContent(operation.params.path ?? "", request.body as Record<string, unknown>);
        default:
          return githubErrorResponse(
            501,
            `The GitHub emulator does not implement ${operation.operationId}; add it to test/support/github-emulator/rest-handlers.ts.`,
          );
      }
    },
  };

  function installation() {
    const stamp = isoSeconds(0);
    return {
      id: state.installationId,
      account: simpleUser(state.owner, "Organization"),
      repository_selection: "selected",
      access_tokens_url: `${api()}/app/installations/${state.installationId}/access_tokens`,
      repositories_url: `${api()}/installation/repositories`,
      html_url: `${state.htmlBaseUrl}/organizations/${state.owner}/settings/installations/${state.installationId}`,
      app_id: state.appId,
      app_slug: state.appSlug,
      target_id: 1000,
      target_type: "Organization",
      permissions: PERMISSIONS,
      events: [],
      created_at: stamp,
      updated_at: stamp,
      single_file_name: null,
      suspended_by: null,
      suspended_at: null,
    };
  }
}
