import { createPrivateKey } from "node:crypto";
import { SecretError } from "../aws/secret-error.ts";

/**
 * Turns a GitHub App private key as people actually store it into the one form `@octokit/auth-app`
 * signs with reliably: a PKCS#8 PEM (`BEGIN PRIVATE KEY`) with `\n` line breaks.
 *
 * GitHub hands out PKCS#1 keys (`BEGIN RSA PRIVATE KEY`); some teams convert them to PKCS#8. Both are
 * accepted. The JWT library under auth-app converts PKCS#1 itself, but it splits the PEM on `\n` only,
 * so a key pasted with CRLF line breaks, surrounding whitespace or literal `\n` escapes (a JSON value or
 * an environment variable written on one line) would sign garbage or fail with an opaque WebCrypto error.
 * Re-encoding through `node:crypto` fixes all of these and rejects non-RSA keys early.
 *
 * Throws {@link SecretError} when the text is not an RSA private key; the message never contains the key.
 *
 * @example
 * normalizePrivateKey("-----BEGIN RSA PRIVATE KEY-----\\nMIIE…\\n-----END RSA PRIVATE KEY-----");
 * // "-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n"
 */
export function normalizePrivateKey(privateKey: string): string {
  // A one-line key with escaped line breaks: the only place a literal backslash-n can come from.
  const text = privateKey.trim().replaceAll("\\n", "\n");
  if (!text.includes("-----BEGIN")) {
    throw new SecretError(
      "the GitHub App private key is not PEM text (no -----BEGIN line) — store the .pem file downloaded from the App's settings page as is",
    );
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: text, format: "pem" });
  } catch (cause) {
    throw new SecretError(
      "the GitHub App private key cannot be parsed (expected an unencrypted PEM 'BEGIN RSA PRIVATE KEY' or 'BEGIN PRIVATE KEY' block) — generate a new private key in the App's settings and store it unchanged",
      { cause },
    );
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new SecretError(
      `the GitHub App private key is a ${key.asymmetricKeyType ?? "non-RSA"} key, but GitHub Apps sign with RSA — use the private key generated in the App's settings`,
    );
  }
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}
