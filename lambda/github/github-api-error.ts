import { HeimdallError } from "../core/index.ts";

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
