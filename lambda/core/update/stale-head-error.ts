import { HeimdallError } from "../heimdall-error.ts";

/**
 * The branch moved since it was read. Thrown by a `GitOpsRepository` adapter's `commit`; the use case
 * re-reads and re-applies.
 */
export class StaleHeadError extends HeimdallError {
  constructor(
    message: string,
    readonly expectedHeadOid: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
