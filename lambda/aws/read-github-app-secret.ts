import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readSecretString } from "./read-secret-string.ts";
import { SecretError } from "./secret-error.ts";

/** The GitHub App credentials heimdall keeps in Secrets Manager. */
export interface GitHubAppSecret {
  /** App ID (digits) or client ID (`Iv1.…`), both accepted by GitHub App authentication. */
  readonly appId: string;
  /** PEM private key of the App. Never logged, never put in an error message. */
  readonly privateKey: string;
  /** Installation on the GitOps repository's owner; absent = looked up from the repository. */
  readonly installationId?: number;
}

/**
 * Reads the GitHub App credentials from Secrets Manager (`GetSecretValue`, current version).
 *
 * The secret's `SecretString` must be JSON `{"appId": "123", "privateKey": "-----BEGIN … KEY-----…",
 * "installationId": 456}` (`installationId` optional; ids may be numbers or digit strings). A private key
 * pasted with literal `\n` sequences instead of line breaks is repaired, since that is how a PEM usually
 * ends up after being typed into a one-line JSON field.
 *
 * The client is built for the region named in the ARN (a secret can live outside the function's region)
 * with no endpoint override, so the SDK's `AWS_ENDPOINT_URL_SECRETS_MANAGER` keeps working.
 *
 * @throws SecretError naming the ARN, what failed and what to do (permissions, missing secret, bad JSON;
 *   anything else — throttling, 5xx, network — says to retry). Never contains the secret's contents.
 * @example
 * const secret = await readGitHubAppSecret({ secretArn: config.githubAppSecretArn });
 * secret.appId; // "123456"
 */
export async function readGitHubAppSecret(options: {
  readonly secretArn: string;
  readonly client?: SecretsManagerClient;
}): Promise<GitHubAppSecret> {
  const { secretArn } = options;
  const secretString = await readSecretString({
    secretArn,
    variable: "GITHUB_APP_SECRET_ARN",
    ...(options.client === undefined ? {} : { client: options.client }),
  });
  return parseSecret(secretArn, secretString);
}

function parseSecret(arn: string, secretString: string | undefined): GitHubAppSecret {
  const fail = (what: string) =>
    new SecretError(
      `secret '${arn}' ${what} — store JSON {"appId": "<app id>", "privateKey": "<PEM>", "installationId": <optional id>} as its SecretString`,
    );
  if (secretString === undefined || secretString.trim() === "")
    throw fail("has no SecretString (binary or empty)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The parser's message quotes the offending text, which may be part of the key: keep it out.
    throw fail("is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw fail("is not a JSON object");
  const record = parsed as Record<string, unknown>;

  const appId = idText(record.appId);
  if (appId === undefined) throw fail("has no valid 'appId' (a number, digit string or client ID)");
  const privateKey = typeof record.privateKey === "string" ? normalizePem(record.privateKey) : undefined;
  if (privateKey === undefined) throw fail("has no 'privateKey' holding a PEM private key");
  if (record.installationId === undefined || record.installationId === null) return { appId, privateKey };
  const installationId = Number(idText(record.installationId));
  if (!Number.isSafeInteger(installationId) || installationId <= 0)
    throw fail("has an 'installationId' that is not a positive integer");
  return { appId, privateKey, installationId };
}

function idText(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return /^\d+$/.test(text) || /^Iv[0-9A-Za-z.]+$/.test(text) ? text : undefined;
}

function normalizePem(key: string): string | undefined {
  const text = !key.includes("\n") && key.includes("\\n") ? key.replaceAll("\\n", "\n") : key;
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(text)
    ? `${text.trim()}\n`
    : undefined;
}
