/**
 * The port that tells when a reference in the GitOps repository last changed, so the reconcile never
 * undoes a decision (a rollback or a pin committed after the newest push). Implemented by the GitOps
 * adapters next to `read`: `lambda/github/` (GraphQL `blame`, pinned to the commit read) and `lambda/local/`
 * (`git blame` of the working tree, where uncommitted lines count as changed now).
 */
export interface ReferenceHistory {
  /**
   * For each file and each of the given 1-based lines, the commit that last changed the line, as of
   * `headOid`. A line (or file) the backend cannot answer for is missing from the answer; the caller then
   * leaves that reference alone.
   */
  lastChanges(request: LastChangesRequest): Promise<LineChanges>;
}

/** Which lines of which files, at which commit. */
export interface LastChangesRequest {
  readonly headOid: string;
  /** Repository path → 1-based line numbers (at least one). */
  readonly lines: ReadonlyMap<string, readonly number[]>;
  /** Give up (throw `DeadlineExceededError`) rather than wait or retry past this time, ms since the epoch. */
  readonly deadline?: number;
}

/** Repository path → 1-based line → the commit that last changed it. */
export type LineChanges = ReadonlyMap<string, ReadonlyMap<number, LastChange>>;

/** The commit that last changed a set of lines: when (committer time) and which. */
export interface LastChange {
  readonly at: Date;
  /** Commit oid; all zeros for changes not committed yet (a local working tree). */
  readonly commit: string;
}
