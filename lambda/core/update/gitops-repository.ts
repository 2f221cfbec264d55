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
   */
  read(request: ReadRequest): Promise<GitOpsSnapshot>;

  /**
   * Commits `files` on top of `expectedHeadOid` as one commit.
   * Throws `StaleHeadError` when the branch no longer points at `expectedHeadOid`; never overwrites.
   */
  commit(request: CommitRequest): Promise<CommitResult>;
}

/** What to read: directory roots for manifests and candidate config file paths. */
export interface ReadRequest {
  readonly roots: readonly string[];
  /** Candidate config file paths, first existing wins (e.g. `.heimdall.yaml`). */
  readonly configPaths: readonly string[];
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
