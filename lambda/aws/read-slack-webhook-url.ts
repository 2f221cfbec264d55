import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readSecretString } from "./read-secret-string.ts";
import { SecretError } from "./secret-error.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Reads the Slack incoming-webhook URL from Secrets Manager. The `SecretString` is the URL itself
 * (`https://hooks.slack.com/services/…`), or JSON `{"url": "…"}` / `{"webhookUrl": "…"}`. The URL must be
 * `https://` (plain `http://` only for a loopback host, for local tests).
 *
 * The URL is the credential: it never appears in an error message or a log line, and the caller keeps it
 * in memory only.
 *
 * @throws SecretError naming the ARN and what to store (never the secret's contents).
 * @example
 * const url = await readSlackWebhookUrl({ secretArn: process.env.SLACK_WEBHOOK_SECRET_ARN });
 */
export async function readSlackWebhookUrl(options: {
  readonly secretArn: string;
  readonly client?: SecretsManagerClient;
}): Promise<URL> {
  const { secretArn } = options;
  const text = await readSecretString({
    secretArn,
    variable: "SLACK_WEBHOOK_SECRET_ARN",
    ...(options.client === undefined ? {} : { client: options.client }),
  });
  const fail = (what: string) =>
    new SecretError(
      `secret '${secretArn}' ${what} — store the Slack incoming-webhook URL (https://hooks.slack.com/services/…) as its SecretString`,
    );
  const trimmed = text?.trim() ?? "";
  if (trimmed === "") throw fail("has no SecretString (binary or empty)");
  let candidate: unknown = trimmed;
  if (trimmed.startsWith("{")) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      candidate = parsed.url ?? parsed.webhookUrl;
    } catch {
      throw fail("is not valid JSON");
    }
  }
  if (typeof candidate !== "string") throw fail("holds no 'url' string");
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    throw fail("does not hold a URL");
  }
  const plainLoopback = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !plainLoopback) throw fail("holds a URL that is not https://");
  return url;
}
