import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_KEYS } from "./app-keys.ts";
import { APP_ID, INSTALLATION_ID } from "./constants.ts";
import {
  createGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
} from "./github-emulator/create-github-emulator.ts";
import { generateAppKeyPair } from "./github-emulator/generate-app-key-pair.ts";
import { BLOB_TEXT_LIMIT_BYTES } from "./github-emulator/graphql-model.ts";
import { loadOpenApiCatalog } from "./github-emulator/openapi-catalog.ts";
import { signAppJwt } from "./github-emulator/sign-app-jwt.ts";

const run = promisify(execFile);
const OWNER = "wafflestudio";
const REPO = "waffle-world";
const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const TIMETABLE_TEXT =
  "spec:\n  template:\n    spec:\n      containers:\n        - image: 405906814034.dkr.ecr.ap-northeast-2.amazonaws.com/snutt-dev/snutt-timetable:45\n";

function options(overrides: Partial<GitHubEmulatorOptions> = {}): GitHubEmulatorOptions {
  return {
    owner: OWNER,
    repo: REPO,
    files: {
      [TIMETABLE]: TIMETABLE_TEXT,
      "apps/snutt-dev/snutt-ev/values.yaml": "image:\r\n  tag: 3\r\n",
      "README.md": "# gitops\n",
    },
    appId: APP_ID,
    publicKey: APP_KEYS.publicKey,
    installationId: INSTALLATION_ID,
    ...overrides,
  };
}

async function installationToken(emulator: GitHubEmulator): Promise<string> {
  const jwt = signAppJwt({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1 });
  const response = await fetch(`${emulator.url}/app/installations/${INSTALLATION_ID}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, accept: "application/vnd.github+json" },
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { token: string };
  return body.token;
}

async function graphql(emulator: GitHubEmulator, token: string, query: string, variables: object = {}) {
  const response = await fetch(`${emulator.url}/graphql`, {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlBody };
}

// Answers are checked field by field, so a loose JSON type is enough here.
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
type Json = any;
interface GraphqlBody {
  readonly data?: Json;
  readonly errors?: readonly Json[];
}

const COMMIT = `mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`;

function commitInput(expectedHeadOid: string, path: string, text: string, headline = "Automated commit") {
  return {
    input: {
      branch: { repositoryNameWithOwner: `${OWNER}/${REPO}`, branchName: "main" },
      message: { headline, body: "from the emulator test" },
      expectedHeadOid,
      fileChanges: { additions: [{ path, contents: Buffer.from(text).toString("base64") }] },
    },
  };
}

describe("GitHub emulator", () => {
  let emulator: GitHubEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await createGitHubEmulator(options());
    token = await installationToken(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("reads the branch head and file texts over GraphQL", async () => {
    const head = await emulator.head();
    const { status, body } = await graphql(
      emulator,
      token,
      `query($owner: String!, $name: String!, $path: String!) {
        repository(owner: $owner, name: $name) {
          nameWithOwner
          defaultBranchRef { name target { oid ... on Commit { file(path: $path) { name path object { ... on Blob { text isTruncated } } } } } }
          object(expression: "main:apps/snutt-dev") { ... on Tree { entries { name path type mode object { ... on Tree { entries { path object { ... on Blob { text byteSize } } } } } } } }
        }
      }`,
      { owner: OWNER, name: REPO, path: TIMETABLE },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const repository = body.data.repository;
    expect(repository.nameWithOwner).toBe(`${OWNER}/${REPO}`);
    expect(repository.defaultBranchRef.target.oid).toBe(head);
    expect(repository.defaultBranchRef.target.file.object).toEqual({
      text: TIMETABLE_TEXT,
      isTruncated: false,
    });
    const ev = repository.object.entries.find((entry: { name: string }) => entry.name === "snutt-ev");
    expect(ev.type).toBe("tree");
    expect(ev.mode).toBe(0o40000);
    expect(ev.object.entries[0]).toEqual({
      path: "apps/snutt-dev/snutt-ev/values.yaml",
      object: { text: "image:\r\n  tag: 3\r\n", byteSize: 18 },
    });
  });

  it("rejects a query that does not validate against GitHub's schema, with HTTP 200 and no data", async () => {
    const { status, body } = await graphql(
      emulator,
      token,
      `{ repository(owner: "${OWNER}", name: "${REPO}") { headOid } }`,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]).toMatchObject({
      message: "Field 'headOid' doesn't exist on type 'Repository'",
      extensions: { code: "undefinedField" },
    });
  });

  it("answers NOT_FOUND for another repository", async () => {
    const { body } = await graphql(
      emulator,
      token,
      `{ repository(owner: "${OWNER}", name: "other") { url } }`,
    );
    expect(body.data).toEqual({ repository: null });
    expect(body.errors?.[0]).toMatchObject({ type: "NOT_FOUND", path: ["repository"] });
  });

  it("commits with createCommitOnBranch into the real repository, signed by GitHub", async () => {
    const head = await emulator.head();
    const next = TIMETABLE_TEXT.replace(":45", ":46");
    const { body } = await graphql(emulator, token, COMMIT, commitInput(head, TIMETABLE, next, "Bump to 46"));
    expect(body.errors).toBeUndefined();
    const oid = body.data.createCommitOnBranch.commit.oid as string;
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    expect(body.data.createCommitOnBranch.commit.url).toBe(
      `https://github.com/${OWNER}/${REPO}/commit/${oid}`,
    );
    expect(await emulator.head()).toBe(oid);
    expect(await emulator.readFile(TIMETABLE)).toBe(next);
    const log = await run("git", ["-C", emulator.repoDir, "log", "-1", "--format=%P%n%cn <%ce>%n%B", oid]);
    expect(log.stdout).toBe(`${head}\nGitHub <noreply@github.com>\nBump to 46\n\nfrom the emulator test\n`);
    const [latest] = await emulator.commits();
    expect(latest).toMatchObject({
      oid,
      headline: "Bump to 46",
      body: "from the emulator test",
      verified: true,
    });
  });

  it("rejects a stale expectedHeadOid exactly like GitHub and does not commit", async () => {
    const stale = await emulator.head();
    await emulator.pushCommit({ "README.md": "# someone else\n" }, "Competing push");
    const moved = await emulator.head();
    const { status, body } = await graphql(emulator, token, COMMIT, commitInput(stale, TIMETABLE, "x: 1\n"));
    expect(status).toBe(200);
    expect(body.data).toEqual({ createCommitOnBranch: null });
    expect(body.errors).toEqual([
      {
        type: "STALE_DATA",
        path: ["createCommitOnBranch"],
        locations: [{ line: 2, column: 3 }],
        message: `Expected branch to point to "${stale}" but it did not. Pull and try again.`,
      },
    ]);
    expect(await emulator.head()).toBe(moved);
    const [latest] = await emulator.commits();
    expect(latest).toMatchObject({ headline: "Competing push", verified: false });
  });

  it("cuts Blob.text at 512 KB and flags it, while the REST blob API returns every byte", async () => {
    const big = `${"image: registry/app:1\n".repeat(30_000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(BLOB_TEXT_LIMIT_BYTES);
    await emulator.pushCommit({ "apps/big/big.yaml": big }, "Add a big file");
    const { body } = await graphql(
      emulator,
      token,
      `{ repository(owner: "${OWNER}", name: "${REPO}") { object(expression: "main:apps/big/big.yaml") { ... on Blob { oid text isTruncated byteSize isBinary } } } }`,
    );
    const blob = body.data.repository.object;
    expect(blob.isTruncated).toBe(true);
    expect(blob.byteSize).toBe(Buffer.byteLength(big));
    expect(blob.isBinary).toBe(false);
    expect(blob.text).toBe(big.slice(0, BLOB_TEXT_LIMIT_BYTES));

    const rest = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/git/blobs/${blob.oid}`, {
      headers: { authorization: `token ${token}` },
    });
    expect(rest.status).toBe(200);
    const restBody = (await rest.json()) as { content: string; encoding: string; size: number };
    expect(restBody.encoding).toBe("base64");
    expect(Buffer.from(restBody.content, "base64").toString("utf8")).toBe(big);
  });

  it("reports binary blobs without text", async () => {
    await emulator.pushCommit(
      { "bin/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) },
      "Add binary",
    );
    const { body } = await graphql(
      emulator,
      token,
      `{ repository(owner: "${OWNER}", name: "${REPO}") { object(expression: "main:bin/logo.png") { ... on Blob { text isBinary byteSize } } } }`,
    );
    expect(body.data.repository.object).toEqual({ text: null, isBinary: true, byteSize: 7 });
  });

  it("rejects an invalid REST body with 422 and GitHub's error shape", async () => {
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/contents/README.md`, {
      method: "PUT",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "no content" }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      message: `Invalid request.\n\n"content" wasn't supplied.`,
      documentation_url: "https://docs.github.com/rest",
      status: "422",
    });
  });

  it("refuses a REST route GitHub does not have with 404", async () => {
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/no-such-thing/at/all`, {
      headers: { authorization: `token ${token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: "Not Found" });
  });

  it("serves contents: file with sha, directory listing, and PUT with a sha check", async () => {
    const headers = { authorization: `token ${token}`, "content-type": "application/json" };
    const dir = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/contents/apps/snutt-dev?ref=main`, {
      headers,
    });
    expect(dir.status).toBe(200);
    const listing = (await dir.json()) as { name: string; type: string }[];
    expect(listing.map((entry) => [entry.name, entry.type])).toEqual([
      ["snutt-ev", "dir"],
      ["snutt-timetable", "dir"],
    ]);

    const root = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/contents/`, { headers });
    expect(((await root.json()) as { path: string }[]).map((entry) => entry.path)).toContain("README.md");

    const file = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/contents/${TIMETABLE}`, { headers });
    const current = (await file.json()) as { sha: string; content: string };
    const text = Buffer.from(current.content, "base64").toString("utf8");
    expect(text).toBe(await emulator.readFile(TIMETABLE));

    const put = (path: string, sha: string | undefined, contents: string) =>
      fetch(`${emulator.url}/repos/${OWNER}/${REPO}/contents/${path}`, {
        method: "PUT",
        headers,
        body: JSON.stringify({
          message: "Update via contents",
          content: Buffer.from(contents).toString("base64"),
          sha,
        }),
      });
    const wrong = await put(TIMETABLE, "0".repeat(40), "x: 1\n");
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ message: `${TIMETABLE} does not match ${"0".repeat(40)}` });
    const missing = await put(TIMETABLE, undefined, "x: 1\n");
    expect(missing.status).toBe(422);

    const updated = await put(TIMETABLE, current.sha, text.replace(":46", ":47"));
    expect(updated.status).toBe(200);
    const result = (await updated.json()) as { commit: { sha: string; verification: { verified: boolean } } };
    expect(result.commit.verification.verified).toBe(true);
    expect(await emulator.head()).toBe(result.commit.sha);
    expect(await emulator.readFile(TIMETABLE)).toBe(text.replace(":46", ":47"));

    const created = await put("apps/new/file.yaml", undefined, "new: file\n");
    expect(created.status).toBe(201);
    expect(await emulator.readFile("apps/new/file.yaml")).toBe("new: file\n");
  });
  it("pages commit history like GitHub and marks GitHub's own commits as signed", async () => {
    const history = (args: string) =>
      graphql(
        emulator,
        token,
        `{ repository(owner: "${OWNER}", name: "${REPO}") { defaultBranchRef { target { ... on Commit {
          history${args} { totalCount pageInfo { hasNextPage } nodes { oid messageHeadline signature { isValid wasSignedByGitHub } } }
        } } } } }`,
      );
    const { body } = await history("(first: 2)");
    expect(body.errors).toBeUndefined();
    const page = body.data.repository.defaultBranchRef.target.history;
    const all = await emulator.commits();
    expect(page.totalCount).toBe(all.length);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.nodes.map((node: { oid: string }) => node.oid)).toEqual(all.slice(0, 2).map((c) => c.oid));
    expect(page.nodes[0].signature).toEqual({ isValid: true, wasSignedByGitHub: true });
    const unsigned = await graphql(
      emulator,
      token,
      `{ repository(owner: "${OWNER}", name: "${REPO}") { object(expression: "${all.at(-1)?.oid}") { ... on Commit { signature { isValid } } } } }`,
    );
    expect(unsigned.body.data.repository.object.signature).toBeNull();

    const unbounded = await history("");
    expect(unbounded.body.errors?.[0]).toMatchObject({ type: "MISSING_PAGINATION_BOUNDARIES" });
    const excessive = await history("(first: 101)");
    expect(excessive.body.errors?.[0]).toMatchObject({ type: "EXCESSIVE_PAGINATION" });
  });
});

describe("GitHub emulator auth", () => {
  let emulator: GitHubEmulator;
  let clock = Date.now();

  beforeAll(async () => {
    emulator = await createGitHubEmulator(options({ now: () => clock }));
  });
  afterAll(async () => {
    await emulator.close();
  });

  const installation = (authorization: string) =>
    fetch(`${emulator.url}/repos/${OWNER}/${REPO}/installation`, { headers: { authorization } });

  it("accepts an app JWT on app endpoints and returns the installation", async () => {
    const response = await installation(
      `Bearer ${signAppJwt({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs8 })}`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: INSTALLATION_ID,
      app_id: APP_ID,
      account: { login: OWNER },
    });
  });

  it("refuses a JWT signed by another key, for another app, or living too long", async () => {
    const other = generateAppKeyPair();
    const cases: [string, string][] = [
      [
        signAppJwt({ appId: APP_ID, privateKey: other.privateKeyPkcs1 }),
        "A JSON web token could not be decoded",
      ],
      [
        signAppJwt({ appId: APP_ID + 1, privateKey: APP_KEYS.privateKeyPkcs1 }),
        "A JSON web token could not be decoded",
      ],
      [
        signAppJwt({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1, lifetimeSeconds: 3600 }),
        "'Expiration time' claim ('exp') is too far in the future",
      ],
      [
        signAppJwt({
          appId: APP_ID,
          privateKey: APP_KEYS.privateKeyPkcs1,
          nowSeconds: Math.floor(clock / 1000) - 3600,
        }),
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      ],
      ["not-a-jwt", "A JSON web token could not be decoded"],
    ];
    for (const [jwt, message] of cases) {
      const response = await installation(`Bearer ${jwt}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message, status: "401" });
    }
  });

  it("requires an unexpired installation token for GraphQL and repository endpoints", async () => {
    const anonymous = await fetch(`${emulator.url}/graphql`, {
      method: "POST",
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(anonymous.status).toBe(401);

    const token = await installationToken(emulator);
    const repo = () =>
      fetch(`${emulator.url}/repos/${OWNER}/${REPO}`, { headers: { authorization: `token ${token}` } });
    const ok = await repo();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ default_branch: "main", full_name: `${OWNER}/${REPO}` });

    const jwtOnRepo = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}`, {
      headers: {
        authorization: `Bearer ${signAppJwt({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1 })}`,
      },
    });
    expect(jwtOnRepo.status).toBe(401);

    clock += 3601 * 1000;
    try {
      const expired = await repo();
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ message: "Bad credentials" });
    } finally {
      clock -= 3601 * 1000;
    }
  });

  it("expires tokens on demand", async () => {
    const token = await installationToken(emulator);
    emulator.faults.expireTokens();
    const response = await graphql(emulator, token, "{ viewer { login } }");
    expect(response.status).toBe(401);
  });
});

describe("GitHub emulator faults and concurrency", () => {
  let emulator: GitHubEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await createGitHubEmulator(options());
    token = await installationToken(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  const repoGet = () =>
    fetch(`${emulator.url}/repos/${OWNER}/${REPO}`, { headers: { authorization: `token ${token}` } });

  it("fails the next n requests with the given status, then recovers", async () => {
    emulator.faults.failNext(2, 502);
    expect((await repoGet()).status).toBe(502);
    expect((await repoGet()).status).toBe(502);
    expect((await repoGet()).status).toBe(200);
  });

  it("fails only matching requests when given a matcher", async () => {
    emulator.faults.failNext(1, 500, (request) => request.graphqlFields.includes("createCommitOnBranch"));
    expect((await repoGet()).status).toBe(200);
    const head = await emulator.head();
    const failed = await graphql(emulator, token, COMMIT, commitInput(head, "a.yaml", "a: 1\n"));
    expect(failed.status).toBe(500);
    expect(await emulator.head()).toBe(head);
    const retried = await graphql(emulator, token, COMMIT, commitInput(head, "a.yaml", "a: 1\n"));
    expect(retried.body.errors).toBeUndefined();
    expect(emulator.requests.at(-1)).toMatchObject({
      method: "POST",
      operation: "graphql mutation",
      graphqlFields: ["createCommitOnBranch"],
      status: 200,
    });
  });

  it("answers a secondary rate limit with 403, GitHub's message and retry-after", async () => {
    emulator.faults.secondaryRateLimitNext(1, 7);
    const limited = await repoGet();
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("7");
    const body = (await limited.json()) as { message: string };
    expect(body.message).toMatch(/^You have exceeded a secondary rate limit\./);
    expect((await repoGet()).status).toBe(200);
  });

  it("runs a beforeMutation hook once, so a competing push makes the head stale", async () => {
    const head = await emulator.head();
    emulator.faults.beforeMutation(async () => {
      await emulator.pushCommit({ "README.md": "# raced\n" }, "Racing push");
    });
    const first = await graphql(emulator, token, COMMIT, commitInput(head, "b.yaml", "b: 1\n"));
    expect(first.body.errors?.[0]).toMatchObject({ type: "STALE_DATA" });
    const moved = await emulator.head();
    const second = await graphql(emulator, token, COMMIT, commitInput(moved, "b.yaml", "b: 1\n"));
    expect(second.body.errors).toBeUndefined();
    expect(await emulator.readFile("README.md")).toBe("# raced\n");
    expect(await emulator.readFile("b.yaml")).toBe("b: 1\n");
  });

  it("lets exactly one of 20 concurrent commits on the same head win", async () => {
    const head = await emulator.head();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        graphql(emulator, token, COMMIT, commitInput(head, `c/${i}.yaml`, `i: ${i}\n`)),
      ),
    );
    const winners = answers.filter((answer) => answer.body.errors === undefined);
    const stale = answers.filter((answer) => answer.body.errors?.[0]?.type === "STALE_DATA");
    expect(winners).toHaveLength(1);
    expect(stale).toHaveLength(19);
    const [latest, previous] = await emulator.commits();
    expect(latest?.oid).toBe(winners[0]?.body.data.createCommitOnBranch.commit.oid);
    expect(previous?.oid).toBe(head);
  });

  it("serializes 20 concurrent writers that retry on STALE_DATA into a linear history", async () => {
    const before = (await emulator.commits()).length;
    const writer = async (i: number) => {
      for (;;) {
        const head = await emulator.head();
        const answer = await graphql(
          emulator,
          token,
          COMMIT,
          commitInput(head, `w/${i}.yaml`, `w: ${i}\n`, `w${i}`),
        );
        if (answer.body.errors === undefined) return;
        expect(answer.body.errors[0]?.type).toBe("STALE_DATA");
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
    const commits = await emulator.commits();
    expect(commits).toHaveLength(before + 20);
    for (const [index, commit] of commits.slice(0, 20).entries()) {
      expect(commit.parents).toEqual([commits[index + 1]?.oid]);
    }
    for (let i = 0; i < 20; i++) expect(await emulator.readFile(`w/${i}.yaml`)).toBe(`w: ${i}\n`);
  });
});

describe("GitHub emulator with real Octokit clients", () => {
  const QUERY = `query($owner: String!, $name: String!) {
    repository(owner: $owner, name: $name) { defaultBranchRef { target { oid } } }
  }`;

  it("authenticates @octokit/auth-app (JWT → installation token) and answers GraphQL and REST", async () => {
    const emulator = await createGitHubEmulator(options());
    try {
      const octokit = new Octokit({
        baseUrl: emulator.url,
        authStrategy: createAppAuth,
        auth: { appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1, installationId: INSTALLATION_ID },
      });
      const answer = await octokit.graphql<{ repository: { defaultBranchRef: { target: { oid: string } } } }>(
        QUERY,
        {
          owner: OWNER,
          name: REPO,
        },
      );
      expect(answer.repository.defaultBranchRef.target.oid).toBe(await emulator.head());
      const repo = await octokit.request("GET /repos/{owner}/{repo}", { owner: OWNER, repo: REPO });
      expect(repo.data.default_branch).toBe("main");
      expect(emulator.requests.map((request) => request.operation)).toEqual([
        "apps/create-installation-access-token",
        "graphql query",
        "repos/get",
      ]);
    } finally {
      await emulator.close();
    }
  });

  it("serves GitHub Enterprise Server style base URLs (/api/v3 and /api/graphql)", async () => {
    const emulator = await createGitHubEmulator(options());
    try {
      const octokit = new Octokit({
        baseUrl: `${emulator.url}/api/v3`,
        authStrategy: createAppAuth,
        auth: { appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs8, installationId: INSTALLATION_ID },
      });
      const answer = await octokit.graphql<{ repository: { defaultBranchRef: { target: { oid: string } } } }>(
        QUERY,
        {
          owner: OWNER,
          name: REPO,
        },
      );
      expect(answer.repository.defaultBranchRef.target.oid).toBe(await emulator.head());
      expect(emulator.requests.map((request) => request.path)).toEqual([
        `/api/v3/app/installations/${INSTALLATION_ID}/access_tokens`,
        "/api/graphql",
      ]);
    } finally {
      await emulator.close();
    }
  });

  it("makes @octokit/auth-app correct its clock from the date header when the JWT looks issued in the future", async () => {
    const emulator = await createGitHubEmulator(options({ now: () => Date.now() - 5 * 60 * 1000 }));
    try {
      const octokit = new Octokit({
        baseUrl: emulator.url,
        authStrategy: createAppAuth,
        auth: { appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1, installationId: INSTALLATION_ID },
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      });
      await octokit.graphql(QUERY, { owner: OWNER, name: REPO });
      expect(emulator.requests.map((request) => [request.operation, request.status])).toEqual([
        ["apps/create-installation-access-token", 401],
        ["apps/create-installation-access-token", 201],
        ["graphql query", 200],
      ]);
    } finally {
      await emulator.close();
    }
  });
});

describe("GitHub emulator OpenAPI catalog", () => {
  const catalog = loadOpenApiCatalog();

  it("routes by GitHub's path templates, literal segments first", () => {
    expect(catalog.match("GET", "/repos/o/r/installation")?.operationId).toBe("apps/get-repo-installation");
    expect(catalog.match("GET", "/repos/o/r/contents/a/b/c.yaml")).toMatchObject({
      operationId: "repos/get-content",
      params: { owner: "o", repo: "r", path: "a/b/c.yaml" },
    });
    expect(catalog.match("DELETE", "/repos/o/r/installation")).toBeUndefined();
  });

  it("catches a response body GitHub's schema does not allow, so the emulator cannot drift silently", () => {
    const operation = catalog.match("POST", "/app/installations/1/access_tokens");
    if (!operation) throw new Error("route missing");
    expect(
      catalog.validateResponse(operation, 201, { token: "ghs_x", expires_at: "2030-01-01T00:00:00Z" }).ok,
    ).toBe(true);
    expect(catalog.validateResponse(operation, 201, { token: "ghs_x" })).toMatchObject({ ok: false });
    expect(catalog.validateResponse(operation, 299, {})).toMatchObject({ ok: false });
  });

  it("validates path parameters with their schema types", () => {
    const bad = catalog.match("POST", "/app/installations/abc/access_tokens");
    const good = catalog.match("POST", "/app/installations/12/access_tokens");
    if (!bad || !good) throw new Error("route missing");
    expect(catalog.validateParams(bad, new URLSearchParams()).ok).toBe(false);
    expect(catalog.validateParams(good, new URLSearchParams()).ok).toBe(true);
  });
});
