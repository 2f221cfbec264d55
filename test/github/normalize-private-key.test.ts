import { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretError } from "../../lambda/aws/secret-error.ts";
import { normalizePrivateKey } from "../../lambda/github/normalize-private-key.ts";
import { APP_KEYS } from "../support/app-keys.ts";

const publicOf = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "pem" });

describe("normalizePrivateKey", () => {
  it.each([
    ["PKCS#1", APP_KEYS.privateKeyPkcs1],
    ["PKCS#8", APP_KEYS.privateKeyPkcs8],
    ["CRLF", APP_KEYS.privateKeyPkcs1.replaceAll("\n", "\r\n")],
    ["escaped \\n on one line", APP_KEYS.privateKeyPkcs1.trim().replaceAll("\n", "\\n")],
    ["surrounding whitespace", `\n  ${APP_KEYS.privateKeyPkcs8}\n\n`],
  ])("turns a %s key into the same key as PKCS#8 PEM", (_, input) => {
    const normalized = normalizePrivateKey(input);
    expect(normalized.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(normalized).not.toContain("\r");
    expect(publicOf(normalized)).toBe(APP_KEYS.publicKey);
  });

  it("refuses a public key or an empty secret with SecretError", () => {
    expect(() => normalizePrivateKey(APP_KEYS.publicKey)).toThrow(SecretError);
    expect(() => normalizePrivateKey("")).toThrow(/not PEM text/);
  });
});
