import { HeimdallError } from "../heimdall-error.ts";

/**
 * The invocation's time ran out before the update could finish; nothing more was written and the event
 * should be retried (the Lambda gives its records back to the queue before it would be killed).
 * Adapters throw it too, when a wait or request would outlast the deadline they were handed.
 *
 * @example
 * throw new DeadlineExceededError("no time left for another commit round — the event will be retried", 2);
 */
export class DeadlineExceededError extends HeimdallError {
  constructor(
    message: string,
    /** Rounds lost to someone else moving the branch before the time ran out. */
    readonly conflicts = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
