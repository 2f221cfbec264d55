import { generateAppKeyPair } from "./github-emulator/generate-app-key-pair.ts";

/**
 * The GitHub App's key pair, generated once per test process (RSA key generation is the slow part of a
 * fixture) and never stored in the repository.
 */
export const APP_KEYS = generateAppKeyPair();

/** A line from the middle of the private key: it must never show up in any output. */
export const KEY_MARKER = APP_KEYS.privateKeyPkcs1.split("\n")[5] ?? "unreachable";
