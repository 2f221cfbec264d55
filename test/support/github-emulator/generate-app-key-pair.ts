import { generateKeyPairSync } from "node:crypto";

/** An RSA key pair for a test GitHub App, PEM-encoded in every form a client or server may want. */
export interface AppKeyPair {
  /** `-----BEGIN RSA PRIVATE KEY-----`, the format GitHub hands out for app private keys. */
  readonly privateKeyPkcs1: string;
  /** `-----BEGIN PRIVATE KEY-----`, what some secret stores and libraries prefer. */
  readonly privateKeyPkcs8: string;
  /** `-----BEGIN PUBLIC KEY-----` (SPKI), what the emulator verifies app JWTs with. */
  readonly publicKey: string;
}

/**
 * Generates a fresh 2048-bit RSA key pair at run time, so no key material is ever committed.
 * Takes a few tens of milliseconds; generate once per test file, not per test.
 *
 * @example
 * const keys = generateAppKeyPair();
 * const emulator = await createGitHubEmulator({ publicKey: keys.publicKey, ... });
 * const auth = createAppAuth({ appId, privateKey: keys.privateKeyPkcs1, installationId });
 */
export function generateAppKeyPair(): AppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    privateKeyPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
