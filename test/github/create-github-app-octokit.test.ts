import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SecretError } from "../../lambda/aws/secret-error.ts";
import { createGitHubAppOctokit } from "../../lambda/github/create-github-app-octokit.ts";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GitHubApiError } from "../../lambda/github/github-api-error.ts";
import { APP_KEYS } from "../support/app-keys.ts";
import { APP_ID, GITOPS_NAME, GITOPS_OWNER } from "../support/constants.ts";
import {
  type GitHubFixture,
  isGraphql,
  isTokenRequest,
  useGitHubFixture,
} from "../support/github-fixture.ts";

const FILES = { "apps/snutt-dev/timetable/deployment.yaml": "image: x:1\n" };
const READ = { roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] } as const;

const start = useGitHubFixture();
afterEach(() => {
  vi.useRealTimers();
});

function repoOf(f: GitHubFixture) {
  return createGitHubGitOps({ octokit: f.octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
}

describe("createGitHubAppOctokit authentication", () => {
  it.each([
    ["PKCS#1", APP_KEYS.privateKeyPkcs1],
    ["PKCS#8", APP_KEYS.privateKeyPkcs8],
    ["PKCS#1 with CRLF line breaks", APP_KEYS.privateKeyPkcs1.replaceAll("\n", "\r\n")],
    ["PKCS#8 on one line with escaped \\n", APP_KEYS.privateKeyPkcs8.trim().replaceAll("\n", "\\n")],
  ])("signs in with a %s key", async (_, privateKey) => {
    const f = await start(FILES, { octokit: { privateKey } });
    const snapshot = await repoOf(f).read(READ);
    expect(snapshot.files.get("apps/snutt-dev/timetable/deployment.yaml")).toBe("image: x:1\n");
    expect(f.emulator.requests.filter(isTokenRequest).map((r) => r.status)).toEqual([201]);
  });

  it("refuses a key that is not an RSA private key before any request, without echoing it", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    const base = { appId: APP_ID, owner: GITOPS_OWNER, repo: GITOPS_NAME };
    expect(() => createGitHubAppOctokit({ ...base, privateKey: ec.toString() })).toThrow(SecretError);
    expect(() => createGitHubAppOctokit({ ...base, privateKey: "ghp_not_a_key" })).toThrow(/not PEM text/);
    const garbled = "-----BEGIN RSA PRIVATE KEY-----\nSECRETSECRET\n-----END RSA PRIVATE KEY-----";
    const error = (() => {
      try {
        createGitHubAppOctokit({ ...base, privateKey: garbled });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(SecretError);
    expect(error?.message).not.toContain("SECRETSECRET");
  });

  it("reports a key of another App as a credentials problem, not a transient one", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    });
    const f = await start(FILES, { octokit: { privateKey: other.toString() } });
    const error = await repoOf(f)
      .read(READ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(false);
    expect((error as Error).message).toMatch(/401.*check the App id and that the private key/);
  });

  it("discovers the installation id once when it is not configured", async () => {
    const f = await start(FILES, { discoverInstallation: true });
    const repository = repoOf(f);
    await repository.read(READ);
    await repository.read(READ);
    const operations = f.emulator.requests.map((r) => r.operation);
    expect(operations).toEqual([
      "apps/get-repo-installation",
      "apps/create-installation-access-token",
      "graphql query",
      "graphql query",
    ]);
    expect(f.emulator.requests[1]?.path).toBe("/app/installations/777/access_tokens");
  });

  it("answers octokit.auth({ type: 'installation' }) by discovering the installation too", async () => {
    const f = await start(FILES, { discoverInstallation: true });
    const authentication = (await f.octokit.auth({ type: "installation" })) as {
      token: string;
      installationId: number;
    };
    expect(authentication.installationId).toBe(777);
    expect(authentication.token).toMatch(/^ghs_/);
    expect(f.emulator.requests.map((r) => r.operation)).toEqual([
      "apps/get-repo-installation",
      "apps/create-installation-access-token",
    ]);
  });

  it("retries a failed installation discovery on the next request instead of remembering the failure", async () => {
    const f = await start(FILES, { discoverInstallation: true, octokit: { retry: { retries: 0 } } });
    f.emulator.faults.failNext(1, 503, (r) => r.operation === "apps/get-repo-installation");
    const repository = repoOf(f);
    await expect(repository.read(READ)).rejects.toMatchObject({ transient: true });
    await expect(repository.read(READ)).resolves.toMatchObject({ headOid: await f.emulator.head() });
  });

  it("reuses one installation token for many reads", async () => {
    const f = await start(FILES);
    const repository = repoOf(f);
    for (let i = 0; i < 3; i++) await repository.read(READ);
    expect(f.emulator.requests.filter(isTokenRequest)).toHaveLength(1);
    expect(f.emulator.requests.filter(isGraphql)).toHaveLength(3);
  });

  it("renews the installation token before GitHub's one-hour expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    // Its own throttling id: the request spacing remembers the jumped clock, which must not hold up other tests.
    const f = await start(FILES, { octokit: { throttle: { retryAfterBaseValue: 1, id: "token-renewal" } } });
    const repository = repoOf(f);
    await repository.read(READ);
    vi.setSystemTime(Date.now() + 59 * 60_000 + 1000);
    await repository.read(READ);
    // The second token was requested while the first was still valid at GitHub: no 401 in between.
    expect(f.emulator.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      "apps/create-installation-access-token 201",
      "graphql query 200",
      "apps/create-installation-access-token 201",
      "graphql query 200",
    ]);
  });

  it("works against GitHub Enterprise Server URLs (/api/v3 and /api/graphql)", async () => {
    const f = await start(FILES);
    const octokit = createGitHubAppOctokit({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKeyPkcs1,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      baseUrl: `${f.emulator.url}/api/v3`,
    });
    const snapshot = await createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME }).read(READ);
    expect(snapshot.headOid).toBe(await f.emulator.head());
    expect(f.emulator.requests.map((r) => r.path)).toEqual([
      `/api/v3/repos/${GITOPS_OWNER}/${GITOPS_NAME}/installation`,
      "/api/v3/app/installations/777/access_tokens",
      "/api/graphql",
    ]);
  });
});

describe("createGitHubAppOctokit failure policy", () => {
  it("retries a 502 and succeeds", async () => {
    const f = await start(FILES);
    f.emulator.faults.failNext(2, 502, isGraphql);
    const snapshot = await repoOf(f).read(READ);
    expect(snapshot.files.size).toBe(1);
    expect(f.emulator.requests.filter(isGraphql).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("gives up after the bounded retries with a transient error", async () => {
    const f = await start(FILES, { octokit: { retry: { retries: 2, retryAfterBaseValue: 1 } } });
    f.emulator.faults.failNext(10, 503, isGraphql);
    const error = await repoOf(f)
      .read(READ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(true);
    expect((error as Error).message).toMatch(/reading wafflestudio\/gitops failed: 503/);
    expect(f.emulator.requests.filter(isGraphql)).toHaveLength(3);
  });

  it.each([409, 422])("never retries a %i", async (status) => {
    const f = await start(FILES);
    f.emulator.faults.failNext(1, status, isGraphql);
    const error = await repoOf(f)
      .read(READ)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false });
    expect(f.emulator.requests.filter(isGraphql)).toHaveLength(1);
  });

  it("waits out a secondary rate limit for the retry-after GitHub sent", async () => {
    const f = await start(FILES);
    await repoOf(f).read(READ); // token first, so the limit hits the GraphQL request
    f.emulator.faults.secondaryRateLimitNext(1, 7);
    const snapshot = await repoOf(f).read(READ);
    expect(snapshot.headOid).toBe(await f.emulator.head());
    expect(f.emulator.requests.filter(isGraphql).map((r) => r.status)).toEqual([200, 403, 200]);
    expect(f.warnings).toEqual([
      expect.stringMatching(/secondary rate limit on POST \/graphql: retrying after 7s/),
    ]);
  });

  it("fails transiently instead of waiting longer than the Lambda can afford", async () => {
    const f = await start(FILES, {
      octokit: { throttle: { retryAfterBaseValue: 1, maxRetryAfterSeconds: 30 } },
    });
    await repoOf(f).read(READ);
    f.emulator.faults.secondaryRateLimitNext(1, 120);
    const error = await repoOf(f)
      .read(READ)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(true);
    expect((error as Error).message).toMatch(/secondary rate limit/);
    expect(f.emulator.requests.filter(isGraphql).map((r) => r.status)).toEqual([200, 403]);
    expect(f.warnings).toEqual([expect.stringMatching(/giving up \(retry-after 120s/)]);
  });
});
