import { afterEach } from "vitest";
import {
  createGitHubAppOctokit,
  type GitHubAppOctokit,
  type GitHubAppOctokitOptions,
} from "../../lambda/github/create-github-app-octokit.ts";
import { APP_KEYS } from "./app-keys.ts";
import { APP_ID, GITOPS_NAME, GITOPS_OWNER, INSTALLATION_ID } from "./constants.ts";
import {
  createGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type LoggedRequest,
} from "./github-emulator/create-github-emulator.ts";

/** One key pair per test process: generating RSA keys is the slow part of a fixture. */

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
  files: Readonly<Record<string, string | Buffer | { readonly symlink: string }>>,
  options: {
    readonly emulator?: Partial<GitHubEmulatorOptions>;
    readonly octokit?: Partial<GitHubAppOctokitOptions>;
    /** Leave `installationId` out so the Octokit has to discover it. */
    readonly discoverInstallation?: boolean;
  } = {},
): Promise<GitHubFixture> {
  const emulator = await createGitHubEmulator({
    owner: GITOPS_OWNER,
    repo: GITOPS_NAME,
    files,
    appId: APP_ID,
    publicKey: APP_KEYS.publicKey,
    installationId: INSTALLATION_ID,
    ...options.emulator,
  });
  const warnings: string[] = [];
  const octokit = createGitHubAppOctokit({
    appId: APP_ID,
    privateKey: APP_KEYS.privateKeyPkcs1,
    ...(options.discoverInstallation === true ? {} : { installationId: INSTALLATION_ID }),
    owner: GITOPS_OWNER,
    repo: GITOPS_NAME,
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
