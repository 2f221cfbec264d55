import { randomUUID } from "node:crypto";
import type { EmulatedCommitRequest } from "./emulator-state.ts";
import { type EmulatorResponse, githubErrorResponse } from "./github-error-response.ts";

/** One request as the emulator logged it; `status` is filled in once answered. */
export interface LoggedRequest {
  readonly method: string;
  /** Path as the client sent it, with query string. */
  readonly path: string;
  /** REST operation id (`repos/get-content`), `graphql query`/`graphql mutation`, or `unknown`. */
  readonly operation: string;
  /** GraphQL top-level fields, e.g. `["createCommitOnBranch"]`; empty for REST. */
  readonly graphqlFields: readonly string[];
  /** Status the emulator answered with (0 while in flight). */
  status: number;
  /** Bytes of the answer's body (0 while in flight): what a response costs on the wire. */
  responseBytes: number;
}

export type MutationHook = (context: {
  readonly via: EmulatedCommitRequest["via"];
  readonly branch: string;
  readonly expectedHeadOid: string;
}) => void | Promise<void>;

/** The test-facing half: what a test arms. */
export interface GitHubEmulatorFaults {
  /** The next `n` requests (matching `match`, if given) fail with `status` and a GitHub-like body. */
  failNext(n: number, status: number, match?: (request: LoggedRequest) => boolean): void;
  /** The next `n` requests get GitHub's secondary-rate-limit 403 with a `retry-after` header. */
  secondaryRateLimitNext(n: number, retryAfterSeconds: number): void;
  /** Runs `hook` before the next `times` (default 1) commits compare the head — e.g. to push a competing commit. */
  beforeMutation(hook: MutationHook, times?: number): void;
  /** Every installation token issued so far is expired from now on. */
  expireTokens(): void;
}

// GitHub's wording; @octokit/plugin-throttling recognises a secondary limit by /secondary rate/.
const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";
const SECONDARY_RATE_LIMIT_DOCS =
  "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

/**
 * Armed faults, consumed in arrival order. Failures are checked before anything else (auth included),
 * as a load balancer or GitHub's abuse detection would answer; a failure with a matcher is consumed
 * only by requests it matches. Mutation hooks run outside the commit lock, so a hook may itself commit
 * (e.g. `pushCommit`) without deadlocking.
 *
 * @example
 * const injector = createFaultInjector(() => authority.expireAllTokens());
 * injector.faults.failNext(1, 502);
 * injector.take(entry); // { status: 502, body: { message: "Server Error", ... } }
 */
export function createFaultInjector(expireTokens: () => void) {
  const failures: { remaining: number; status: number; match?: (request: LoggedRequest) => boolean }[] = [];
  const limits = { remaining: 0, retryAfterSeconds: 0 };
  const hooks: { hook: MutationHook; remaining: number }[] = [];

  const faults: GitHubEmulatorFaults = {
    failNext(n, status, match) {
      failures.push(match ? { remaining: n, status, match } : { remaining: n, status });
    },
    secondaryRateLimitNext(n, retryAfterSeconds) {
      limits.remaining = n;
      limits.retryAfterSeconds = retryAfterSeconds;
    },
    beforeMutation(hook, times = 1) {
      hooks.push({ hook, remaining: times });
    },
    expireTokens,
  };

  return {
    faults,
    /** The injected answer for this request, if a fault is armed for it. */
    take(request: LoggedRequest): EmulatorResponse | undefined {
      const failure = failures.find((candidate) => !candidate.match || candidate.match(request));
      if (failure) {
        failure.remaining -= 1;
        if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
        return githubErrorResponse(
          failure.status,
          failure.status >= 500 ? "Server Error" : "Injected failure",
        );
      }
      if (limits.remaining > 0) {
        limits.remaining -= 1;
        return githubErrorResponse(
          403,
          `${SECONDARY_RATE_LIMIT_MESSAGE} ${randomUUID()}.`,
          SECONDARY_RATE_LIMIT_DOCS,
          {
            "retry-after": String(limits.retryAfterSeconds),
          },
        );
      }
      return undefined;
    },
    /** Runs the next armed mutation hook, if any. */
    async beforeMutation(context: Parameters<MutationHook>[0]): Promise<void> {
      const pending = hooks[0];
      if (!pending) return;
      pending.remaining -= 1;
      if (pending.remaining <= 0) hooks.shift();
      await pending.hook(context);
    },
  };
}
