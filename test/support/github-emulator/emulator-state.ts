import type { AppAuthority } from "./app-authority.ts";
import type { GitRefs, RefChange, RefChangeResult } from "./git-refs.ts";
import type { CommitOntoResult, GitRepo } from "./git-repo.ts";
import type { PullRequestStore } from "./pull-request-store.ts";

/** A file change as both GitHub write APIs express it once decoded. */
export interface EmulatedCommitRequest {
  /** Which API asked, passed to `beforeMutation` hooks. */
  readonly via: "createCommitOnBranch" | "contents" | "updateRefs";
  readonly branch: string;
  readonly expectedHeadOid: string;
  readonly additions: readonly { readonly path: string; readonly bytes: Buffer }[];
  readonly deletions: readonly string[];
  readonly message: string;
}

/**
 * What the GraphQL and REST handlers share about the one emulated repository.
 * Built by `createGitHubEmulator`; handlers never touch the HTTP server or the test controls.
 */
export interface EmulatorState {
  readonly owner: string;
  readonly repo: string;
  /** `owner/repo`. */
  readonly nameWithOwner: string;
  readonly defaultBranch: string;
  /** Base of web URLs, `https://github.com`. */
  readonly htmlBaseUrl: string;
  /** Base of API URLs as clients see it, e.g. `http://127.0.0.1:PORT`. */
  apiBaseUrl(): string;
  readonly appId: number;
  readonly appSlug: string;
  readonly installationId: number;
  readonly git: GitRepo;
  readonly authority: AppAuthority;
  readonly now: () => number;
  /** Commits GitHub made (and therefore signed) — the `verified` flag of `commits()`. */
  readonly verified: ReadonlySet<string>;
  /** Runs `beforeMutation` hooks, then compares-and-commits under the emulator's mutex. */
  commit(request: EmulatedCommitRequest): Promise<CommitOntoResult>;
  readonly refs: GitRefs;
  readonly pulls: PullRequestStore;
  /**
   * Runs `beforeMutation` hooks, then applies every ref change or none under the emulator's mutex, and lets
   * GitHub's pull request sync run (a head reset onto its base closes the pull request).
   */
  moveRefs(changes: readonly RefChange[]): Promise<RefChangeResult>;
}
