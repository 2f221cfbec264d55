import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
} from "./github-emulator/create-github-emulator.ts";
import { generateAppKeyPair } from "./github-emulator/generate-app-key-pair.ts";
import { BLOB_TEXT_LIMIT_BYTES } from "./github-emulator/graphql-model.ts";
import { signAppJwt } from "./github-emulator/sign-app-jwt.ts";

const run = promisify(execFile);
const keys = generateAppKeyPair();
const APP_ID = 4242;
const INSTALLATION_ID = 777;
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
    publicKey: keys.publicKey,
    installationId: INSTALLATION_ID,
    ...overrides,
  };
}

async function installationToken(emulator: GitHubEmulator): Promise<string> {
  const jwt = signAppJwt({ appId: APP_ID, privateKey: keys.privateKeyPkcs1 });
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
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
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
    const ev = repository.object.entries.find((e: any) => e.name === "snutt-ev");
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
});
