import type { EmulatorState } from "./emulator-state.ts";
import type { GitTreeEntry } from "./git-repo.ts";

// The permissions the emulated installation grants, on the installation and on its tokens.
const BASE_PERMISSIONS = { contents: "write", metadata: "read" } as const;

/** ISO-8601 without milliseconds, as GitHub's REST API writes timestamps. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Builders for the REST resource bodies the emulator returns (`installation`, `full-repository`,
 * contents entries), filled with every field GitHub's OpenAPI schema requires so that response
 * validation passes; values that do not matter to this project are plausible constants.
 *
 * @example
 * const resources = createRestResources(state);
 * resources.fullRepository().default_branch; // "main"
 */
export function createRestResources(state: EmulatorState) {
  const api = () => state.apiBaseUrl();
  const permissions = () =>
    state.pulls.settings.pullRequests === "write"
      ? { ...BASE_PERMISSIONS, pull_requests: "write" }
      : { ...BASE_PERMISSIONS };
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

  const installation = () => {
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
      permissions: permissions(),
      events: [],
      created_at: stamp,
      updated_at: stamp,
      single_file_name: null,
      suspended_by: null,
      suspended_at: null,
    };
  };

  return {
    permissions,
    isoSeconds,
    repoApi,
    html,
    simpleUser,
    fullRepository,
    contentLinks,
    installation,
    label: (name: string, id: number, color: string) => ({
      id,
      node_id: Buffer.from(`Label:${name}`).toString("base64url"),
      url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color,
      default: false,
    }),
  };
}
