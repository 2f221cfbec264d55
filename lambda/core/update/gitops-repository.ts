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
}

/** One consistent view of the branch: its head and the texts read at exactly that commit. */
export interface GitOpsSnapshot {
  readonly headOid: string;
  /** Repository-relative path → file text (decoded as UTF-8, BOM and CRLF preserved). */
  readonly files: ReadonlyMap<string, string>;
  readonly config?: { readonly path: string; readonly text: string };
}

/** One commit: the expected parent, the message and every changed file's full new text. */
export interface CommitRequest {
  readonly expectedHeadOid: string;
  readonly headline: string;
  readonly body: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
}

/** The commit made. */
export interface CommitResult {
  readonly oid: string;
  /** Web URL of the commit when the backend has one. */
  readonly url?: string;
}
