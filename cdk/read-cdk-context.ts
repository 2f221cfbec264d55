import type { EcrHeimdallProps } from "./ecr-heimdall-props.ts";

/** What `cdk/app.ts` builds: a stack name and one instance per GitOps repository. */
export interface CdkContext {
  readonly stackName: string;
  readonly instances: readonly EcrHeimdallProps[];
  /** True when no GitOps repository was given and the offline placeholder was used. */
  readonly placeholder: boolean;
}

/** Used when nothing is configured, so `npx cdk synth` works on a fresh checkout. Never deploy it. */
export const PLACEHOLDER_GITOPS_REPO = "example-org/gitops";

const STRING_KEYS = [
  "gitopsBranch",
  "githubApiUrl",
  "githubAppSecretArn",
  "alarmEmail",
  "slackWebhookSecretArn",
  "logLevel",
] as const;
const LOG_LEVELS = new Set(["DEBUG", "INFO", "WARN", "ERROR"]);

/**
 * Reads CDK context (`-c key=value` or `cdk.json`'s `context`) into stack settings.
 *
 * Single repository: `gitopsRepo`, `gitopsBranch`, `githubApiUrl`, `githubAppSecretArn`,
 * `repositoryPrefixes` (comma-separated string or JSON array), `alarmEmail`, `slackWebhookSecretArn`, `logLevel`,
 * `staleEventCheck` (`true`/`false`), `reconcileEvery` (minutes, `0` = off). Several repositories: `instances`, a JSON array (string on the
 * command line, array in `cdk.json`) of objects with those keys; top-level keys are then defaults.
 * `stackName` defaults to `EcrHeimdall`. `-c` values always arrive as strings.
 *
 * @param get the context getter, normally `(key) => app.node.tryGetContext(key)`
 * @throws Error naming the key and the expected form when a value has the wrong shape
 * @example
 * readCdkContext((k) => ({ gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: "snutt-dev/" })[k]);
 * // → { stackName: "EcrHeimdall", placeholder: false,
 * //     instances: [{ gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: ["snutt-dev/"] }] }
 */
export function readCdkContext(get: (key: string) => unknown): CdkContext {
  const stackName = optionalString("stackName", get("stackName")) ?? "EcrHeimdall";
  const defaults = instanceFrom((key) => get(key), "");
  const rawInstances = parseJsonIfString("instances", get("instances"));
  if (rawInstances === undefined) {
    const gitopsRepo = optionalString("gitopsRepo", get("gitopsRepo"));
    return {
      stackName,
      instances: [{ ...defaults, gitopsRepo: gitopsRepo ?? PLACEHOLDER_GITOPS_REPO }],
      placeholder: gitopsRepo === undefined,
    };
  }
  if (!Array.isArray(rawInstances) || rawInstances.length === 0) {
    throw new Error('context "instances" must be a non-empty JSON array of {"gitopsRepo": "owner/name", …}');
  }
  const instances = rawInstances.map((raw: unknown, index) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new Error(`context "instances[${index}]" must be an object like {"gitopsRepo": "owner/name"}`);
    }
    const record = raw as Record<string, unknown>;
    const where = `instances[${index}].`;
    const gitopsRepo = optionalString(`${where}gitopsRepo`, record.gitopsRepo);
    if (gitopsRepo === undefined)
      throw new Error(`context "${where}gitopsRepo" is missing; set "owner/name"`);
    return { ...defaults, ...instanceFrom((key) => record[key], where), gitopsRepo };
  });
  return { stackName, instances, placeholder: false };
}

type InstanceSettings = Omit<EcrHeimdallProps, "gitopsRepo">;

function instanceFrom(get: (key: string) => unknown, where: string): InstanceSettings {
  const settings: Record<string, unknown> = {};
  for (const key of STRING_KEYS) {
    const value = optionalString(where + key, get(key));
    if (value !== undefined) settings[key] = value;
  }
  const logLevel = settings.logLevel;
  if (typeof logLevel === "string" && !LOG_LEVELS.has(logLevel)) {
    throw new Error(`context "${where}logLevel" is "${logLevel}"; use one of DEBUG, INFO, WARN, ERROR`);
  }
  const prefixes = get("repositoryPrefixes");
  if (prefixes !== undefined) settings.repositoryPrefixes = prefixList(where, prefixes);
  const stale = get("staleEventCheck");
  if (stale !== undefined) settings.staleEventCheck = booleanValue(`${where}staleEventCheck`, stale);
  const every = get("reconcileEvery");
  if (every !== undefined) settings.reconcileEvery = minutesValue(`${where}reconcileEvery`, every);
  return settings as InstanceSettings;
}

function prefixList(where: string, value: unknown): string[] {
  const parsed =
    typeof value === "string" && value.trim().startsWith("[")
      ? parseJson(`${where}repositoryPrefixes`, value)
      : value;
  const list = typeof parsed === "string" ? parsed.split(",") : parsed;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string")) {
    throw new Error(
      `context "${where}repositoryPrefixes" must be "a/,b/" or a JSON array of strings; got ${JSON.stringify(value)}`,
    );
  }
  return (list as string[]).map((item) => item.trim()).filter((item) => item !== "");
}

function minutesValue(key: string, value: unknown): number {
  const minutes = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof minutes !== "number" || !Number.isInteger(minutes)) {
    throw new Error(
      `context "${key}" must be a whole number of minutes (0 turns it off); got ${JSON.stringify(value)}`,
    );
  }
  return minutes;
}

function booleanValue(key: string, value: unknown): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new Error(`context "${key}" must be true or false; got ${JSON.stringify(value)}`);
}

function optionalString(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new Error(`context "${key}" must be a string; got ${JSON.stringify(value)}`);
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function parseJsonIfString(key: string, value: unknown): unknown {
  return typeof value === "string" ? parseJson(key, value) : value;
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `context "${key}" is not valid JSON (${(error as Error).message}); quote it for your shell`,
      {
        cause: error,
      },
    );
  }
}
