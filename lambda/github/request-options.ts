/**
 * The Octokit request options that carry the invocation's deadline to the retry and rate-limit handlers
 * (see `createGitHubAppOctokit`): no wait or retry of this request goes past it.
 *
 * @example
 * await octokit.graphql(query, { ...variables, ...requestOptions(deadline) });
 */
export function requestOptions(deadline: number | undefined): { request: { deadline?: number } } {
  return { request: deadline === undefined ? {} : { deadline } };
}
