import { InvalidConfigError, InvalidEventError } from "../core/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * The CLI's exit code for an error: 2 for input the user must fix (bad flags, event or config — nothing was
 * read or changed), 1 for everything else (git, network, an unexpected failure).
 *
 * @example
 * exitCodeFor(new UsageError("apply needs --event")); // 2
 * exitCodeFor(new LocalRepoError("not a git checkout")); // 1
 */
export function exitCodeFor(error: unknown): 1 | 2 {
  if (
    error instanceof UsageError ||
    error instanceof InvalidEventError ||
    error instanceof InvalidConfigError
  ) {
    return 2;
  }
  return 1;
}
