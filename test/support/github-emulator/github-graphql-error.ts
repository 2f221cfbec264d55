/**
 * An error a resolver raises the way GitHub reports it: top-level `type` (`NOT_FOUND`, `STALE_DATA`,
 * `UNPROCESSABLE`, …) next to `message`, `path` and `locations` in the response's `errors`.
 */
export class GitHubGraphqlError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "GitHubGraphqlError";
  }
}
