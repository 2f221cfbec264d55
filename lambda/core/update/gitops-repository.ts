import type { MergeMethod, PullRequestSettings } from "../config/read-pull-request-settings.ts";

/**
 * The port through which the `update-manifests` use case reads and commits a GitOps repository.
 * Adapters: `lambda/local/` (a git checkout, for the CLI) and `lambda/github/` (GitHub App, for the Lambda).
 */
export interface GitOpsRepository {
  /**
   * Reads the branch head and the text of every `.yaml`/`.yml` file under `roots`, plus the config
   * file if it exists — in as few round trips as the backend allows.
   *
   * `roots` are repository-relative directory prefixes without a trailing slash (`apps/snutt-dev`);
   * `""` means the whole tree. A root that does not exist contributes no files (not an error).
   * With `mentions`, files that contain none of those strings may be left out (see {@link ReadRequest}).
   */
  read(request: ReadRequest): Promise<GitOpsSnapshot>;

  /**
   * Commits `files` on top of `expectedHeadOid` as one commit.
   * Throws `StaleHeadError` when the branch no longer points at `expectedHeadOid`; never overwrites.
   */
  commit(request: CommitRequest): Promise<CommitResult>;

  /**
   * Makes `branch` exactly one commit on `baseOid` holding `files`, and opens or updates its pull request
   * (backends without pull requests only move the branch). The branch moves in one update guarded by
   * `expectedBranchOid`: an open pull request never sees its branch without the commit, and a branch that
   * moved since it was read is never overwritten (`StaleHeadError`, nothing written). The use case decides
   * whether to propose at all (see `decideProposal`); the adapter only does it.
   */
  propose(request: ProposalRequest): Promise<ProposalResult>;
}

/** What to read: directory roots for manifests and candidate config file paths. */
export interface ReadRequest {
  readonly roots: readonly string[];
  /** Candidate config file paths, first existing wins (e.g. `.heimdall.yaml`). */
  readonly configPaths: readonly string[];
  /**
   * Narrowing the caller allows: a file under `roots` whose text contains none of these strings (exact,
   * case-sensitive substring test) may be left out of `files`; every file that contains one must be there.
   * An adapter that cannot test contents cheaply ignores it and returns every file; the config file is
   * returned either way. Absent or empty: no narrowing.
   *
   * It is exact for an update because the planner's first step is the same test: a manifest that does not
   * contain the pushed `imageRepository` can never change (`planUpdate`). A reader that looks at every
   * file (the reconcile) leaves it out.
   *
   * @example
   * gitops.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"], mentions: ["snutt-dev/snutt-timetable"] });
   */
  readonly mentions?: readonly string[];
  /** Proposal branches (`heimdall/<image repository>`) to report on in the same read; none when absent. */
  readonly proposalBranches?: readonly string[];
  /** Give up (throw `DeadlineExceededError`) rather than wait or retry past this time, ms since the epoch. */
  readonly deadline?: number;
}

/** One consistent view of the branch: its head and the texts read at exactly that commit. */
export interface GitOpsSnapshot {
  readonly headOid: string;
  /** Repository-relative path → file text (decoded as UTF-8, BOM and CRLF preserved). */
  readonly files: ReadonlyMap<string, string>;
  /** The first of the requested config paths that exists, whatever it is (see {@link ConfigFileRead}). */
  readonly config?: ConfigFileRead;
  /** Branch name → its state, for every `proposalBranches` entry of the request. */
  readonly proposals?: ReadonlyMap<string, ProposalState>;
}

/** One proposal branch as the repository has it, with its newest pull request into the base branch. */
export interface ProposalState {
  readonly branch: string;
  /** The branch's tip; absent when the branch does not exist. */
  readonly head?: ProposalHead;
  /** The newest pull request from the branch into the base branch, in any state; absent when none. */
  readonly pullRequest?: PullRequestState;
  /** A branch that keeps git from creating this one (`heimdall/a` and `heimdall/a/b` cannot both exist). */
  readonly blockedBy?: string;
  /** The backend has no pull requests (a local checkout): the branch itself is the proposal. */
  readonly branchOnly?: boolean;
}

/** The tip commit of a proposal branch: enough to tell whether heimdall made it. */
export interface ProposalHead {
  readonly oid: string;
  /** 1 for a commit on top of one other; 2 or more for a merge. */
  readonly parentCount: number;
  readonly message: string;
  /** Whether the backend itself signed it (GitHub: `wasSignedByGitHub`); absent where it cannot tell. */
  readonly signedByBackend?: boolean;
}

/** A pull request as the use case needs it; `id` is the backend's handle for updating it. */
export interface PullRequestState {
  readonly id: string;
  readonly number: number;
  readonly url: string;
  readonly state: "open" | "closed" | "merged";
  /** Where its head branch pointed when last seen (for a merged one: what was merged). */
  readonly headOid: string;
  readonly labels: readonly string[];
  /** The auto-merge method enabled on it, if any. */
  readonly autoMerge?: MergeMethod;
  readonly draft: boolean;
}

/** One proposal: the branch, the commit to build on `baseOid`, and the pull request around it. */
export interface ProposalRequest {
  readonly branch: string;
  /** The base branch head the commit is built on (after this update's direct commit, if any). */
  readonly baseOid: string;
  /** Where the branch must point for it to be moved (as read), or absent when it must not exist yet. */
  readonly expectedBranchOid?: string;
  /** The open pull request of the branch to update; absent opens a new one. */
  readonly pullRequest?: PullRequestState;
  /** The commit message. */
  readonly headline: string;
  readonly body: string;
  /** The pull request's title and description. */
  readonly title: string;
  readonly description: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
  readonly settings: PullRequestSettings;
  /** Give up (throw `DeadlineExceededError`) rather than wait or retry past this time, ms since the epoch. */
  readonly deadline?: number;
}

/** What a proposal made; `notes` say what was not done and why (auto-merge not allowed, …). */
export interface ProposalResult {
  readonly commit: CommitResult;
  /** Absent for backends without pull requests (the CLI's local branch). */
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly merged?: boolean };
  readonly notes: readonly string[];
}

/**
 * A config path that exists: its text, or — when it is not a regular file whose content is text (a symlink,
 * a directory, a submodule, a binary blob) — what it is instead, as a phrase ("a symbolic link"). The use
 * case refuses the update for the latter, the same whichever adapter read it: a config heimdall cannot read
 * must never be mistaken for no config.
 */
export type ConfigFileRead =
  | { readonly path: string; readonly text: string }
  | { readonly path: string; readonly unreadable: string };

/** One commit: the expected parent, the message and every changed file's full new text. */
export interface CommitRequest {
  readonly expectedHeadOid: string;
  readonly headline: string;
  readonly body: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
  /** Give up (throw `DeadlineExceededError`) rather than wait or retry past this time, ms since the epoch. */
  readonly deadline?: number;
}

/** The commit made. */
export interface CommitResult {
  readonly oid: string;
  /** Web URL of the commit when the backend has one. */
  readonly url?: string;
}
