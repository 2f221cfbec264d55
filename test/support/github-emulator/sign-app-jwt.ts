import { createSign } from "node:crypto";

export interface SignAppJwtOptions {
  readonly appId: number | string;
  /** PKCS#1 or PKCS#8 PEM. */
  readonly privateKey: string;
  /** Seconds since epoch used for `iat`; defaults to now. */
  readonly nowSeconds?: number;
  /** Lifetime in seconds; GitHub rejects more than 600. Default 540. */
  readonly lifetimeSeconds?: number;
}

/**
 * Signs a GitHub App JWT (RS256, `iat` backdated 30 s as GitHub recommends against clock drift) for
 * tests that call app endpoints with plain `fetch`. Production code uses `@octokit/auth-app` instead.
 *
 * @example
 * const jwt = signAppJwt({ appId: 1234, privateKey: keys.privateKeyPkcs1 });
 * await fetch(`${emulator.url}/repos/o/r/installation`, { headers: { authorization: `Bearer ${jwt}` } });
 */
export function signAppJwt(options: SignAppJwtOptions): string {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const iat = now - 30;
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ iat, exp: iat + (options.lifetimeSeconds ?? 540), iss: options.appId }),
  ).toString("base64url");
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(options.privateKey, "base64url")}`;
}
