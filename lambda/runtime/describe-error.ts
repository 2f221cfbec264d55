import { HeimdallError } from "../core/index.ts";
import { redactSecrets } from "./redact-secrets.ts";

/**
 * An error as one line for summaries and thrown messages: heimdall's own errors by their message (it says
 * what failed and what to do), anything else as `<name>: <message>` — always through `redactSecrets`.
 *
 * @example
 * describeError(new GitHubApiError("reading wafflestudio/gitops failed: …")); // "reading wafflestudio/gitops failed: …"
 * describeError(new TypeError("x is undefined")); // "TypeError: x is undefined"
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactSecrets(String(error));
  return redactSecrets(error instanceof HeimdallError ? error.message : `${error.name}: ${error.message}`);
}
