import { afterEach } from "vitest";
import {
  createGitHubAppOctokit,
  type GitHubAppOctokit,
  type GitHubAppOctokitOptions,
} from "../../lambda/github/create-github-app-octokit.ts";
import {
  createGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type LoggedRequest,
} from "../support/github-emulator/create-github-emulator.ts";
import { generateAppKeyPair } from "../support/github-emulator/generate-app-key-pair.ts";

export const OWNER = "wafflestudio";
export const REPO = "gitops";
export const APP_ID = 4242;
export const INSTALLATION_ID = 777;

/** One key pair per test process: generating RSA keys is the slow part of a fixture. */
export const KEYS = generateAppKeyPair();

export interface GitHubFixture {
  readonly emulator: GitHubEmulator;
  readonly octokit: GitHubAppOctokit;
  /** Messages Octokit, auth-app and the rate-limit handlers warned with. */
  readonly warnings: string[];
  close(): Promise<void>;
}

/**
 * An emulated GitHub holding `files` plus the Octokit the Lambda would build against it, with retry and
 * rate-limit waits shrunk to milliseconds (1 ms per second of `retry-after`, 1 ms backoff unit).
 */
export async function startGitHub(
  files: Readonly<Record<string, string | Buffer>>,
  options: {
    readonly emulator?: Partial<GitHubEmulatorOptions>;
    readonly octokit?: Partial<GitHubAppOctokitOptions>;
    /** Leave `installationId` out so the Octokit has to discover it. */
    readonly discoverInstallation?: boolean;
  } = {},
): Promise<GitHubFixture> {
  const emulator = await createGitHubEmulator({
    owner: OWNER,
    repo: REPO,
    files,
    appId: APP_ID,
    publicKey: KEYS.publicKey,
    installationId: INSTALLATION_ID,
    ...options.emulator,
  });
  const warnings: string[] = [];
  const octokit = createGitHubAppOctokit({
    appId: APP_ID,
    privateKey: KEYS.privateKeyPkcs1,
    ...(options.discoverInstallation === true ? {} : { installationId: INSTALLATION_ID }),
    owner: OWNER,
    repo: REPO,
    baseUrl: emulator.url,
    retry: { retryAfterBaseValue: 1 },
    throttle: { retryAfterBaseValue: 1 },
    log: {
      debug() {},
      info() {},
      warn: (message: string) => void warnings.push(message),
      error: (message: string) => void warnings.push(message),
    },
    ...options.octokit,
  });
  return { emulator, octokit, warnings, close: () => emulator.close() };
}

export const isGraphql = (request: LoggedRequest): boolean => request.operation.startsWith("graphql");
export const isTokenRequest = (request: LoggedRequest): boolean =>
  request.operation === "apps/create-installation-access-token";

/** A realistic Deployment manifest for `image`. */
export function deployment(name: string, image: string): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    `          image: ${image}`,
    "",
  ].join("\n");
}

/**
 * Registers the clean-up for the calling test file and returns a `startGitHub` that closes each fixture
 * after its test: one emulator per test, never one leaking into the next.
 */
export function useGitHubFixture(): (...args: Parameters<typeof startGitHub>) => Promise<GitHubFixture> {
  let fixture: GitHubFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  return async (...args) => {
    fixture = await startGitHub(...args);
    return fixture;
  };
}
