import { HeimdallError } from "../heimdall-error.ts";

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
