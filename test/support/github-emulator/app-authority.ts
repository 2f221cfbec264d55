import { createPublicKey, type KeyObject, randomBytes, verify } from "node:crypto";

export interface AppAuthorityOptions {
  readonly appId: number;
  /** PEM (SPKI or PKCS#1) public half of the app's private key. */
  readonly publicKey: string | KeyObject;
  readonly installationId: number;
  /** Milliseconds since epoch; injectable so tests can expire tokens without waiting. */
  readonly now: () => number;
  /** Installation token lifetime; GitHub issues one-hour tokens. */
  readonly tokenLifetimeSeconds: number;
}

export type AuthCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * What GitHub checks about credentials, for one app with one installation.
 *
 * App JWTs are verified like GitHub does: RS256 signature against the app's public key, `iss` equal to
 * the app id, `exp` in the future but at most ten minutes ahead, `iat` not in the future (60 s leeway).
 * Failure messages are GitHub's own wording where `@octokit/auth-app` matches on them (its clock-skew
 * retry looks for the `exp`/`iat` messages), so a client's skew handling is exercised for real.
 * Installation tokens are opaque `ghs_` strings minted here and valid until they expire.
 *
 * @example
 * const authority = createAppAuthority({ appId: 1, publicKey, installationId: 2, now: Date.now, tokenLifetimeSeconds: 3600 });
 * authority.checkAppJwt(req.headers.authorization); // { ok: false, message: "A JSON web token could not be decoded" }
 */
export interface AppAuthority {
  checkAppJwt(authorization: string | undefined): AuthCheck;
  issueInstallationToken(): IssuedToken;
  checkInstallationToken(authorization: string | undefined): AuthCheck;
  /** Makes every token issued so far expire now, as if an hour had passed. */
  expireAllTokens(): void;
}

const UNDECODABLE = "A JSON web token could not be decoded";
const BAD_CREDENTIALS = "Bad credentials";
// Maximum lifetime GitHub accepts for an app JWT.
const MAX_JWT_LIFETIME_SECONDS = 600;
const IAT_LEEWAY_SECONDS = 60;

function credential(authorization: string | undefined): { scheme: string; value: string } | undefined {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization ?? "");
  if (!match) return undefined;
  return { scheme: (match[1] ?? "").toLowerCase(), value: match[2] ?? "" };
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

export function createAppAuthority(options: AppAuthorityOptions): AppAuthority {
  const key = typeof options.publicKey === "string" ? createPublicKey(options.publicKey) : options.publicKey;
  const tokens = new Map<string, number>();

  return {
    checkAppJwt(authorization) {
      const presented = credential(authorization);
      if (presented?.scheme !== "bearer") return { ok: false, message: UNDECODABLE };
      const parts = presented.value.split(".");
      if (parts.length !== 3) return { ok: false, message: UNDECODABLE };
      const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
      let header: unknown;
      let payload: unknown;
      try {
        header = decodeSegment(headerPart);
        payload = decodeSegment(payloadPart);
      } catch {
        return { ok: false, message: UNDECODABLE };
      }
      if (typeof header !== "object" || header === null || (header as { alg?: unknown }).alg !== "RS256") {
        return { ok: false, message: UNDECODABLE };
      }
      const signed = Buffer.from(`${headerPart}.${payloadPart}`, "utf8");
      const signature = Buffer.from(signaturePart, "base64url");
      if (!verify("RSA-SHA256", signed, key, signature)) return { ok: false, message: UNDECODABLE };
      if (typeof payload !== "object" || payload === null) return { ok: false, message: UNDECODABLE };
      const claims = payload as { iss?: unknown; iat?: unknown; exp?: unknown };
      const nowSeconds = Math.floor(options.now() / 1000);
      if (
        typeof claims.iat !== "number" ||
        !Number.isInteger(claims.iat) ||
        claims.iat > nowSeconds + IAT_LEEWAY_SECONDS
      ) {
        return {
          ok: false,
          message:
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        };
      }
      if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) {
        return {
          ok: false,
          message:
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        };
      }
      if (claims.exp > nowSeconds + MAX_JWT_LIFETIME_SECONDS) {
        return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
      }
      if (String(claims.iss) !== String(options.appId)) {
        return { ok: false, message: UNDECODABLE };
      }
      return { ok: true };
    },
    issueInstallationToken() {
      const token = `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "0").slice(0, 36)}`;
      const expiresAt = new Date(options.now() + options.tokenLifetimeSeconds * 1000);
      tokens.set(token, expiresAt.getTime());
      return { token, expiresAt };
    },
    checkInstallationToken(authorization) {
      const presented = credential(authorization);
      if (!presented || (presented.scheme !== "token" && presented.scheme !== "bearer")) {
        return { ok: false, message: BAD_CREDENTIALS };
      }
      const expiresAt = tokens.get(presented.value);
      if (expiresAt === undefined || expiresAt <= options.now())
        return { ok: false, message: BAD_CREDENTIALS };
      return { ok: true };
    },
    expireAllTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
  };
}
