const PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  // JWTs: what a GitHub App signs with its key to obtain installation tokens.
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
  /\b((?:bearer|token)\s+)[A-Za-z0-9._~+/-]{16,}=*/gi,
];

/**
 * Replaces anything shaped like a private key, GitHub token or JWT in `text` with `[REDACTED]`.
 *
 * A last line of defence for text heimdall did not write itself (third-party error messages) before it
 * goes to a log line or a thrown error: heimdall's own messages never contain secrets, but a library's
 * might quote a request.
 *
 * @example
 * redactSecrets("401 for token ghs_16C7e42F292c6912E7710c838347Ae178B4a"); // "401 for token [REDACTED]"
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of PATTERNS) {
    result = result.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}[REDACTED]` : "[REDACTED]",
    );
  }
  return result;
}
