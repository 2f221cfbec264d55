import type { Octokit } from "@octokit/core";
import type { GraphQLRequest } from "./build-read-query.ts";
import { requestOptions } from "./request-options.ts";

/**
 * Sends a read query (see `buildReadQuery`). An answer whose only errors are FORBIDDEN pull requests of
 * proposal branches (`qN` fields) is still an answer, with `pullRequestsHidden`: an App without the
 * "Pull requests" permission gets every pull request node hidden and the rest answered, which is all a
 * direct commit needs. Any other error is thrown as Octokit threw it.
 *
 * @example
 * const { answer, pullRequestsHidden } = await sendReadQuery<ReadAnswer>(octokit, request, deadline);
 */
export async function sendReadQuery<T extends { readonly repository: unknown }>(
  octokit: Pick<Octokit, "graphql">,
  request: GraphQLRequest,
  deadline: number | undefined,
): Promise<{ answer: T; pullRequestsHidden: boolean }> {
  try {
    const answer = await octokit.graphql<T>(request.query, {
      ...request.variables,
      ...requestOptions(deadline),
    });
    return { answer, pullRequestsHidden: false };
  } catch (error) {
    const { errors, data } = (error ?? {}) as { errors?: unknown; data?: T };
    const hidden =
      Array.isArray(errors) &&
      errors.length > 0 &&
      data?.repository !== undefined &&
      errors.every(
        (e: { type?: unknown; path?: unknown }) =>
          e.type === "FORBIDDEN" && Array.isArray(e.path) && /^q\d+$/.test(String(e.path[1])),
      );
    if (!hidden || data === undefined) throw error;
    return { answer: data, pullRequestsHidden: true };
  }
}
