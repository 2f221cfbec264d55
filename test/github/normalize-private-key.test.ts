import { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretError } from "../../lambda/aws/secret-error.ts";
import { normalizePrivateKey } from "../../lambda/github/normalize-private-key.ts";
import { KEYS } from "./github-fixture.ts";

const publicOf = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "pem" });

describe("normalizePrivateKey", () => {
  it.each([
    ["PKCS#1", KEYS.privateKeyPkcs1],
    ["PKCS#8", KEYS.privateKeyPkcs8],
    ["CRLF", KEYS.privateKeyPkcs1.replaceAll("\n", "\r\n")],
    ["escaped \\n on one line", KEYS.privateKeyPkcs1.trim().replaceAll("\n", "\\n")],
    ["surrounding whitespace", `\n  ${KEYS.privateKeyPkcs8}\n\n`],
  ])("turns a %s key into the same key as PKCS#8 PEM", (_, input) => {
    const normalized = normalizePrivateKey(input);
    expect(normalized.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(normalized).not.toContain("\r");
    expect(publicOf(normalized)).toBe(KEYS.publicKey);
  });

  it("refuses a public key or an empty secret with SecretError", () => {
    expect(() => normalizePrivateKey(KEYS.publicKey)).toThrow(SecretError);
    expect(() => normalizePrivateKey("")).toThrow(/not PEM text/);
  });
});
