/** An HTTP answer the emulator sends: status, JSON body, extra headers. */
export interface EmulatorResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * GitHub's REST error body: `{ message, documentation_url, status }` with `status` as a string, which is
 * what `@octokit/request` turns into `RequestError.message`.
 *
 * @example
 * githubErrorResponse(404, "Not Found"); // { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } }
 */
export function githubErrorResponse(
  status: number,
  message: string,
  documentationUrl = "https://docs.github.com/rest",
  headers?: Readonly<Record<string, string>>,
): EmulatorResponse {
  const body = { message, documentation_url: documentationUrl, status: String(status) };
  return headers ? { status, body, headers } : { status, body };
}
