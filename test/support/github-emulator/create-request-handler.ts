import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { EmulatorState } from "./emulator-state.ts";
import type { createFaultInjector, LoggedRequest } from "./fault-injector.ts";
import { type EmulatorResponse, githubErrorResponse } from "./github-error-response.ts";
import type { createGraphqlEndpoint } from "./graphql-endpoint.ts";
import type { OpenApiCatalog } from "./openapi-catalog.ts";
import type { createRestHandlers } from "./rest-handlers.ts";

export interface RequestHandlerParts {
  readonly state: EmulatorState;
  readonly catalog: OpenApiCatalog;
  readonly graphql: ReturnType<typeof createGraphqlEndpoint>;
  readonly rest: ReturnType<typeof createRestHandlers>;
  readonly injector: ReturnType<typeof createFaultInjector>;
  /** Every request is appended here before it is answered. */
  readonly log: LoggedRequest[];
  readonly latencyMs: number;
}

const GRAPHQL_AUTH_DOCS =
  "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql";

// GitHub Enterprise Server serves REST under /api/v3 and GraphQL at /api/graphql.
function restPath(pathname: string): string {
  return pathname.startsWith("/api/v3/") ? pathname.slice("/api/v3".length) : pathname;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * The emulator's HTTP pipeline: read the body, wait `latencyMs`, log the request, apply armed faults,
 * then GraphQL (installation token, GitHub schema) or REST (OpenAPI route → params → body → handler →
 * 2xx response checked against the documented schema, a mismatch answering 500 "drift").
 * Rate-limit headers and a `date` from the emulator's clock go on every answer.
 *
 * @example
 * const server = createServer(createRequestHandler(parts));
 */
export function createRequestHandler(parts: RequestHandlerParts) {
  const { state, catalog, graphql, rest, injector } = parts;

  async function route(
    request: IncomingMessage,
    entry: LoggedRequest,
    url: URL,
    body: { value: unknown; malformed: boolean },
  ): Promise<EmulatorResponse> {
    const injected = injector.take(entry);
    if (injected) return injected;
    if (body.malformed) return githubErrorResponse(400, "Problems parsing JSON");
    if (entry.operation.startsWith("graphql")) {
      if (!state.authority.checkInstallationToken(request.headers.authorization).ok) {
        return githubErrorResponse(401, "This endpoint requires you to be authenticated.", GRAPHQL_AUTH_DOCS);
      }
      return { status: 200, body: (await graphql.handle(body.value)).body };
    }
    const operation = catalog.match(request.method ?? "GET", restPath(url.pathname));
    if (!operation) return githubErrorResponse(404, "Not Found");
    const params = catalog.validateParams(operation, url.searchParams);
    if (!params.ok) return githubErrorResponse(422, params.message);
    const valid = catalog.validateBody(operation, body.value);
    if (!valid.ok) return githubErrorResponse(422, valid.message);
    const answer = await rest.handle({
      operation,
      query: url.searchParams,
      body: body.value,
      authorization: request.headers.authorization,
    });
    if (answer.status >= 200 && answer.status < 300) {
      const drift = catalog.validateResponse(operation, answer.status, answer.body);
      if (!drift.ok) {
        return githubErrorResponse(
          500,
          `GitHub emulator drift in ${operation.operationId}: ${drift.message}`,
        );
      }
    }
    return answer;
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    if (parts.latencyMs > 0) await delay(parts.latencyMs);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const isGraphql = method === "POST" && (url.pathname === "/graphql" || url.pathname === "/api/graphql");
    const body = { value: undefined as unknown, malformed: false };
    if (raw.length > 0) {
      try {
        body.value = JSON.parse(raw.toString("utf8"));
      } catch {
        body.malformed = true;
      }
    }
    const described = isGraphql ? graphql.describe(body.value) : undefined;
    const entry: LoggedRequest = {
      method,
      path: request.url ?? "/",
      operation: described
        ? `graphql ${described.operationType}`
        : (catalog.match(method, restPath(url.pathname))?.operationId ?? "unknown"),
      graphqlFields: described?.rootFields ?? [],
      status: 0,
      responseBytes: 0,
    };
    parts.log.push(entry);
    let answer: EmulatorResponse;
    try {
      answer = await route(request, entry, url, body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      answer = githubErrorResponse(500, `GitHub emulator failed: ${reason}`);
    }
    entry.status = answer.status;
    response.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      // From the emulator's clock, so clients that correct JWT clock skew from `date` see the skew.
      date: new Date(state.now()).toUTCString(),
      "x-github-request-id": randomUUID(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-used": "1",
      "x-ratelimit-reset": String(Math.floor(state.now() / 1000) + 3600),
      "x-ratelimit-resource": isGraphql ? "graphql" : "core",
      ...answer.headers,
    });
    const payload = JSON.stringify(answer.body);
    entry.responseBytes = Buffer.byteLength(payload);
    response.end(payload);
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    serve(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };
}
