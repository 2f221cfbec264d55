/**
 * Every error heimdall raises on purpose. Each message says what failed and what to do about it;
 * `cause` keeps the underlying error for logs. Messages never contain tokens or keys.
 *
 * `exitCode` is what the CLI exits with: 2 for input the user must fix (nothing was changed),
 * 1 for everything else.
 */
export class HeimdallError extends Error {
  readonly exitCode: 1 | 2 = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The event is not a well-formed ECR Image Action event; it is refused before anything is read. */
export class InvalidEventError extends HeimdallError {
  override readonly exitCode = 2;
}

/** The GitOps repository's heimdall config file is invalid; the message names file, line and key. */
export class InvalidConfigError extends HeimdallError {
  override readonly exitCode = 2;
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly key: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Command-line usage or environment configuration is wrong (bad flag, missing variable). */
export class UsageError extends HeimdallError {
  override readonly exitCode = 2;
}

/** An edit would change more than the intended values; the file is not written. */
export class UnsafeEditError extends HeimdallError {}

/** Aliases expand a document beyond what is safe to walk ("billion laughs"); the file is reported unparseable. */
export class AliasExpansionError extends HeimdallError {}

/** The branch moved since it was read; the caller re-reads and re-applies. */
export class StaleHeadError extends HeimdallError {
  constructor(
    message: string,
    readonly expectedHeadOid: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The branch kept moving for every attempt; nothing was committed, the event should be retried. */
export class CommitConflictError extends HeimdallError {
  constructor(
    message: string,
    /** Rounds lost to someone else moving the branch. */
    readonly conflicts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The local git checkout cannot be read or committed to. */
export class LocalRepoError extends HeimdallError {}

/** A GitHub API call failed in a way the retry plugins did not fix. `transient` marks retryable ones. */
export class GitHubApiError extends HeimdallError {
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** ECR could not be asked when an image was pushed (throttling, outage); the event is retried. */
export class EcrUnavailableError extends HeimdallError {}

/** The GitHub App secret cannot be read or does not hold what it must. */
export class SecretError extends HeimdallError {}
