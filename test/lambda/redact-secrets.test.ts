import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../lambda/runtime/redact-secrets.ts";

describe("redactSecrets", () => {
  it.each([
    ["installation token", "401 for ghs_16C7e42F292c6912E7710c838347Ae178B4a", "401 for [REDACTED]"],
    ["fine-grained PAT", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "[REDACTED]"],
    [
      "authorization header",
      "authorization: bearer abcdefghijklmnopqrstuvwxyz123456",
      "authorization: bearer [REDACTED]",
    ],
    ["JWT", "jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0MjQyIn0.c2lnbmF0dXJl rejected", "jwt [REDACTED] rejected"],
    [
      "PEM key",
      "bad key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end",
      "bad key [REDACTED] end",
    ],
    ["truncated PEM key", "key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN", "key: [REDACTED]"],
  ])("hides a %s", (_, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it("leaves ordinary messages alone", () => {
    const text =
      "could not read secret 'arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:x': AccessDeniedException";
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets("commit 0123456789abcdef0123456789abcdef01234567 landed")).toContain(
      "0123456789abcdef",
    );
  });
});
