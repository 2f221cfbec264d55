import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** One REST operation of GitHub's published OpenAPI description, matched against a request. */
export interface MatchedOperation {
  /** GitHub's operation id, e.g. `repos/get-content`. */
  readonly operationId: string;
  readonly method: string;
  /** Path template, e.g. `/repos/{owner}/{repo}/contents/{path}`. */
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
}

export type ValidationOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * GitHub's REST API description (`@octokit/openapi`, api.github.com), loaded once per process, used
 * to keep the emulator honest: a request the real API would not route is not routed here either, and
 * parameters and JSON bodies are validated with the operation's own schemas (ajv, OpenAPI 3.0
 * `nullable` and internal `$ref`s resolved against the document).
 *
 * Validation messages imitate GitHub's 422 wording (`Invalid request.\n\n"content" wasn't supplied.`).
 *
 * @example
 * const catalog = loadOpenApiCatalog();
 * const op = catalog.match("GET", "/repos/o/r/contents/apps/a.yaml"); // operationId "repos/get-content"
 * catalog.validateBody(op, { message: "m" }); // { ok: false, message: 'Invalid request.\n\n"content" wasn\'t supplied.' }
 */
export interface OpenApiCatalog {
  match(method: string, pathname: string): MatchedOperation | undefined;
  validateParams(operation: MatchedOperation, query: URLSearchParams): ValidationOutcome;
  validateBody(operation: MatchedOperation, body: unknown): ValidationOutcome;
  /** Checks a response the emulator is about to send against the documented schema for that status. */
  validateResponse(operation: MatchedOperation, status: number, body: unknown): ValidationOutcome;
}

type Json = Record<string, unknown>;
const DOC_ID = "https://api.github.com/openapi.json";
const METHODS = ["get", "put", "post", "patch", "delete", "head"] as const;

interface Route {
  readonly method: string;
  readonly template: string;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly literalLength: number;
  readonly operation: Json;
}

// OpenAPI 3.0 allows `nullable` next to `allOf`/`anyOf` without `type`; ajv wants a type, so those
// become an explicit `anyOf` with null.
function normalizeNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeNullable);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = normalizeNullable(value);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _ignored, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

function pointer(path: readonly string[]): string {
  return `#/${path.map((part) => encodeURIComponent(part.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")}`;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const lines = (errors ?? []).slice(0, 5).map((error) => {
    const where = error.instancePath.replace(/^\//, "").replace(/\//g, "/properties/");
    if (error.keyword === "required") {
      return `"${String((error.params as { missingProperty?: unknown }).missingProperty)}" wasn't supplied.`;
    }
    return `For '${where === "" ? "body" : `properties/${where}`}', ${error.message ?? "is invalid"}.`;
  });
  return `Invalid request.\n\n${lines.join("\n")}`;
}

let cached: OpenApiCatalog | undefined;

export function loadOpenApiCatalog(): OpenApiCatalog {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const doc = normalizeNullable(JSON.parse(readFileSync(file, "utf8"))) as Json;
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  addFormatsModule.default(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  const coercing = new Ajv({ strict: false, validateSchema: false, coerceTypes: true });

  const resolveRef = (value: unknown): Json => {
    let current = value as Json;
    while (typeof current.$ref === "string") {
      const parts = current.$ref.replace(/^#\//, "").split("/");
      let target: unknown = doc;
      for (const part of parts) target = (target as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      current = target as Json;
    }
    return current;
  };

  const nodeAt = (path: readonly string[]): Json | undefined => {
    let target: unknown = doc;
    for (const part of path) {
      if (typeof target !== "object" || target === null) return undefined;
      target = (target as Json)[part];
    }
    return typeof target === "object" && target !== null ? (target as Json) : undefined;
  };
  // Follows `$ref`s from a location so schemas are compiled where they live in the document.
  const follow = (start: readonly string[]): { node: Json; path: readonly string[] } | undefined => {
    let path = start;
    let node = nodeAt(path);
    while (node && typeof node.$ref === "string") {
      path = node.$ref
        .replace(/^#\//, "")
        .split("/")
        .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
      node = nodeAt(path);
    }
    return node ? { node, path } : undefined;
  };

  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const parameters = ((operation.parameters as unknown[] | undefined) ?? []).map(resolveRef);
      const names: string[] = [];
      const source = template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          const multi = parameters.some((p) => p.name === name && p["x-multi-segment"] === true);
          // `contents/` with an empty path is the root listing on GitHub.
          return multi ? "(.*)" : "([^/]+)";
        });
      routes.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(`^${source}/?$`),
        names,
        literalLength: template.replace(/\{[^}]+\}/g, "").length,
        operation: { ...operation, parameters },
      });
    }
  }
  // A literal segment beats a parameter: /repos/{o}/{r}/installation before /repos/{o}/{r}/{anything}.
  routes.sort((a, b) => b.literalLength - a.literalLength);
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.template}`, route]));
  const validators = new Map<string, ValidateFunction>();
  const compileAt = (path: readonly string[]): ValidateFunction => {
    const ref = `${DOC_ID}${pointer(path)}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };
  const routeOf = (operation: MatchedOperation): Route => {
    const route = byKey.get(`${operation.method} ${operation.template}`);
    if (!route) throw new Error(`No OpenAPI route ${operation.method} ${operation.template}`);
    return route;
  };

  cached = {
    match(method, pathname) {
      for (const route of routes) {
        if (route.method !== method.toUpperCase()) continue;
        const found = route.regex.exec(pathname);
        if (!found) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, index) => {
          params[name] = decodeURIComponent(found[index + 1] ?? "");
        });
        return {
          operationId: String(route.operation.operationId),
          method: route.method,
          template: route.template,
          params,
        };
      }
      return undefined;
    },
    validateParams(operation, query) {
      const route = routeOf(operation);
      for (const parameter of route.operation.parameters as Json[]) {
        const name = String(parameter.name);
        const raw = parameter.in === "path" ? operation.params[name] : (query.get(name) ?? undefined);
        if (raw === undefined) {
          if (parameter.required === true)
            return { ok: false, message: `Invalid request.\n\n"${name}" wasn't supplied.` };
          continue;
        }
        if (parameter.in !== "path" && parameter.in !== "query") continue;
        const holder = { value: raw };
        const validate = coercing.compile({ type: "object", properties: { value: parameter.schema ?? {} } });
        if (!validate(holder)) {
          return {
            ok: false,
            message: `Invalid request.\n\nFor '${name}', ${JSON.stringify(raw)} is not valid.`,
          };
        }
      }
      return { ok: true };
    },
    validateBody(operation, body) {
      const route = routeOf(operation);
      const located = follow(["paths", route.template, route.method.toLowerCase(), "requestBody"]);
      if (!located) return { ok: true };
      const schemaPath = [...located.path, "content", "application/json", "schema"];
      if (!nodeAt(schemaPath)) return { ok: true };
      if (body === undefined) {
        return located.node.required === true
          ? { ok: false, message: "Invalid request.\n\nRequest body is required." }
          : { ok: true };
      }
      const validate = compileAt(schemaPath);
      return validate(body) ? { ok: true } : { ok: false, message: describeErrors(validate.errors) };
    },
    validateResponse(operation, status, body) {
      const route = routeOf(operation);
      const located = follow([
        "paths",
        route.template,
        route.method.toLowerCase(),
        "responses",
        String(status),
      ]);
      if (!located) {
        return { ok: false, message: `GitHub documents no ${status} response for ${operation.operationId}` };
      }
      const schemaPath = [...located.path, "content", "application/json", "schema"];
      if (!nodeAt(schemaPath)) return { ok: true };
      const validate = compileAt(schemaPath);
      return validate(body) ? { ok: true } : { ok: false, message: describeErrors(validate.errors) };
    },
  };
  return cached;
}
