import type { EmulatorState } from "./emulator-state.ts";
import { type EmulatorResponse, githubErrorResponse } from "./github-error-response.ts";
import type { MatchedOperation } from "./openapi-catalog.ts";
import { createRestResources } from "./rest-resources.ts";

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

// GitHub's base64 in JSON is line-wrapped at 60 characters, like Ruby's Base64.encode64.
function wrappedBase64(bytes: Buffer): string {
  const flat = bytes.toString("base64");
  return flat === "" ? "" : `${flat.match(/.{1,60}/g)?.join("\n")}\n`;
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
  const resources = createRestResources(state);
  const { repoApi, html, contentLinks, isoSeconds, permissions } = resources;

  async function getContent(path: string, ref: string): Promise<EmulatorResponse> {
    const commit = await state.git.revParse(`${ref}^{commit}`);
    if (!commit) return githubErrorResponse(404, `No commit found for the ref ${ref}`);
    if (path === "") {
      const children = await state.git.listTree((await state.git.readCommit(commit)).tree);
      return { status: 200, body: children.map((child) => contentLinks(child.name, ref, child)) };
    }
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
          return { status: 200, body: resources.installation() };
        case "apps/create-installation-access-token": {
          if (operation.params.installation_id !== String(state.installationId))
            return githubErrorResponse(404, "Not Found");
          const issued = state.authority.issueInstallationToken();
          return {
            status: 201,
            body: {
              token: issued.token,
              expires_at: isoSeconds(issued.expiresAt.getTime()),
              permissions: permissions(),
              repository_selection: "selected",
            },
          };
        }
        case "repos/get":
          return { status: 200, body: resources.fullRepository() };
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
        case "issues/add-labels": {
          if (state.pulls.settings.pullRequests !== "write") {
            return githubErrorResponse(403, "Resource not accessible by integration");
          }
          const pr = state.pulls.pulls.find(
            (candidate) => String(candidate.number) === operation.params.issue_number,
          );
          if (pr === undefined) return githubErrorResponse(404, "Not Found");
          const body = request.body as { labels?: unknown } | readonly unknown[] | undefined;
          const names = (
            Array.isArray(body) ? body : ((body as { labels?: unknown })?.labels ?? [])
          ) as unknown[];
          state.pulls.addLabels(
            pr,
            names.map((name) =>
              typeof name === "string" ? name : String((name as { name?: unknown }).name),
            ),
          );
          return {
            status: 200,
            body: pr.labels.map((name) => {
              const label = state.pulls.labels.get(name);
              return resources.label(name, label?.id ?? 0, label?.color ?? "ededed");
            }),
          };
        }
        case "repos/create-or-update-file-contents":
          if (!operation.params.path) return githubErrorResponse(404, "Not Found");
          return putContent(operation.params.path, request.body as Record<string, unknown>);
        default:
          return githubErrorResponse(
            501,
            `The GitHub emulator does not implement ${operation.operationId}; add it to test/support/github-emulator/rest-handlers.ts.`,
          );
      }
    },
  };
}
