import type { GitRefs, RefChange, RefChangeResult } from "./git-refs.ts";
import { ZERO_OID } from "./git-refs.ts";
import type {
  EmulatedMergeMethod,
  EmulatedPullRequest,
  EmulatedRepositorySettings,
  PullRequestStore,
} from "./pull-request-store.ts";

/** What a test does to pull requests and branches on the emulated GitHub, as a person would. */
export interface PullRequestControls {
  /** Every pull request so far, oldest first (live objects: read, do not change). */
  pullRequests(): readonly EmulatedPullRequest[];
  /** Repository settings and the installation's pull request permission; change them to set up a test. */
  readonly settings: EmulatedRepositorySettings;
  /** Label names the repository has. */
  labels(): readonly string[];
  /** A person closes pull request `number` without merging. */
  closePullRequest(number: number): Promise<void>;
  /** A person merges pull request `number` (default: a merge commit). */
  mergePullRequest(number: number, method?: EmulatedMergeMethod): Promise<void>;
  /** A person deletes a branch (GitHub closes its open pull request). */
  deleteBranch(branch: string): Promise<void>;
  /** A person creates a branch at the default branch's head. */
  createBranch(branch: string): Promise<void>;
  /** A person takes every label off pull request `number` and turns its auto-merge off. */
  clearPullRequest(number: number): void;
}

/**
 * The test-facing pull request controls of a `GitHubEmulator`, over its store and ref updates: the same
 * rules apply as to the API (a deleted head closes its pull request, a merge writes a real commit).
 *
 * @example
 * const controls = pullRequestControls({ pulls, refs, moveRefs, defaultBranch: "main" });
 * await controls.closePullRequest(1);
 */
export function pullRequestControls(deps: {
  readonly pulls: PullRequestStore;
  readonly refs: GitRefs;
  readonly moveRefs: (changes: readonly RefChange[]) => Promise<RefChangeResult>;
  readonly defaultBranch: string;
}): PullRequestControls {
  const { pulls, refs, moveRefs } = deps;
  return {
    pullRequests: () => pulls.pulls,
    settings: pulls.settings,
    labels: () => [...pulls.labels.keys()],
    closePullRequest: (number) => pulls.close(pulls.find(number)),
    async mergePullRequest(number: number, method: EmulatedMergeMethod = "MERGE") {
      await pulls.merge(pulls.find(number), method, { name: "Reviewer", email: "reviewer@example.com" });
    },
    async deleteBranch(branch) {
      const result = await moveRefs([{ name: `refs/heads/${branch}`, afterOid: ZERO_OID, force: true }]);
      if (!result.ok) throw new Error(`deleteBranch failed: ${result.reason}`);
    },
    clearPullRequest(number) {
      const pr = pulls.find(number);
      pr.labels = [];
      delete pr.autoMergeMethod;
    },
    async createBranch(branch) {
      const head = await refs.current(`refs/heads/${deps.defaultBranch}`);
      const result = await moveRefs([
        { name: `refs/heads/${branch}`, beforeOid: ZERO_OID, afterOid: head ?? ZERO_OID, force: false },
      ]);
      if (!result.ok) throw new Error(`createBranch failed: ${result.reason}`);
    },
  };
}
