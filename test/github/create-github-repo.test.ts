import { afterEach, describe, expect, it } from "vitest";
import { GitHubApiError, StaleHeadError } from "../../lambda/core/errors.ts";
import { createGitHubRepo } from "../../lambda/github/create-github-repo.ts";
import { BLOB_TEXT_LIMIT_BYTES } from "../support/github-emulator/graphql-model.ts";
import { deployment, type GitHubFixture, isGraphql, OWNER, REPO, startGitHub } from "./github-fixture.ts";

const REGISTRY = "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com";
const TIMETABLE = `${REGISTRY}/snutt-dev/snutt-timetable`;

let fixture: GitHubFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function start(...args: Parameters<typeof startGitHub>): Promise<GitHubFixture> {
  fixture = await startGitHub(...args);
  return fixture;
}

describe("createGitHubRepo read", () => {
  it("returns the head and every YAML file under the roots, plus the first existing config", async () => {
    const { emulator, octokit } = await start({
      "apps/snutt-dev/snutt-timetable/deployment.yaml": deployment("snutt-timetable", `${TIMETABLE}:45`),
      "apps/snutt-dev/snutt-timetable/service.yml": "kind: Service\n",
      "apps/snutt-dev/snutt-timetable/README.md": "not a manifest\n",
      "apps/snutt-dev/snutt-ev/overlays/prod/patch.yaml": "kind: Kustomization\n",
      "apps/snutt-prod/snutt-timetable/deployment.yaml": deployment(
        "snutt-timetable",
        `${REGISTRY}/snutt-prod/x:1`,
      ),
      ".heimdall.yml": "version: 1\n",
    });
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });

    const snapshot = await repository.read({
      roots: ["apps/snutt-dev"],
      configPaths: [".heimdall.yaml", ".heimdall.yml"],
    });

    expect(snapshot.headOid).toBe(await emulator.head());
    expect([...snapshot.files.keys()].sort()).toEqual([
      "apps/snutt-dev/snutt-ev/overlays/prod/patch.yaml",
      "apps/snutt-dev/snutt-timetable/deployment.yaml",
      "apps/snutt-dev/snutt-timetable/service.yml",
    ]);
    expect(snapshot.files.get("apps/snutt-dev/snutt-timetable/deployment.yaml")).toBe(
      deployment("snutt-timetable", `${TIMETABLE}:45`),
    );
    expect(snapshot.config).toEqual({ path: ".heimdall.yml", text: "version: 1\n" });
  });

  it("reads the whole tree for root '' and nothing for roots that do not exist", async () => {
    const { octokit } = await start({ "a.yaml": "a: 1\n", "apps/x/b.yaml": "b: 2\n", "docs/c.txt": "c\n" });
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });

    const whole = await repository.read({ roots: [""], configPaths: [] });
    expect([...whole.files.keys()].sort()).toEqual(["a.yaml", "apps/x/b.yaml"]);

    const missing = await repository.read({ roots: ["apps/nowhere"], configPaths: [".heimdall.yaml"] });
    expect(missing.files.size).toBe(0);
    expect(missing.config).toBeUndefined();
  });

  it("keeps CRLF line breaks and a byte-order mark exactly", async () => {
    const text = "\uFEFFkind: Deployment\r\nimage: x:1\r\n";
    const { octokit } = await start({ "apps/ns/a/d.yaml": text });
    const snapshot = await createGitHubRepo({ octokit, owner: OWNER, repo: REPO }).read({
      roots: ["apps/ns"],
      configPaths: [],
    });
    expect(snapshot.files.get("apps/ns/a/d.yaml")).toBe(text);
  });

  it("follows directories deeper than the fixed depth with follow-up queries pinned to the read commit", async () => {
    const { emulator, octokit } = await start({
      "apps/ns/app/a/b/c/deep.yaml": "deep: true\n",
      "apps/ns/app/shallow.yaml": "shallow: true\n",
    });
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO, treeDepth: 2 });
    const headBefore = await emulator.head();
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });

    expect(snapshot.headOid).toBe(headBefore);
    expect(snapshot.files.get("apps/ns/app/a/b/c/deep.yaml")).toBe("deep: true\n");
    expect(snapshot.files.get("apps/ns/app/shallow.yaml")).toBe("shallow: true\n");
    // depth 2 from apps/ns: app/, app/a/ expanded; a/b/c/deep.yaml needs two more rounds of 2 levels.
    expect(emulator.requests.filter(isGraphql)).toHaveLength(3);
  });

  it("reads a follow-up subtree from the commit it first read, not from a branch that moved", async () => {
    const { emulator, octokit } = await start({ "apps/ns/app/a/b/deep.yaml": "v: 1\n" });
    let pushed = false;
    const originalGraphql = octokit.graphql;
    // Push between the first query and its follow-ups (the only way to interleave from outside).
    const racing = Object.assign(
      async (query: string, variables?: Record<string, unknown>) => {
        const answer = await originalGraphql(query, variables);
        if (!pushed) {
          pushed = true;
          await emulator.pushCommit({ "apps/ns/app/a/b/deep.yaml": "v: 2\n" }, "someone else");
        }
        return answer;
      },
      { endpoint: originalGraphql.endpoint, defaults: originalGraphql.defaults },
    );
    const snapshot = await createGitHubRepo({
      octokit: { request: octokit.request, graphql: racing as typeof octokit.graphql },
      owner: OWNER,
      repo: REPO,
      treeDepth: 1,
    }).read({ roots: ["apps/ns"], configPaths: [] });
    expect(pushed).toBe(true);
    expect(snapshot.files.get("apps/ns/app/a/b/deep.yaml")).toBe("v: 1\n");
    expect(snapshot.headOid).not.toBe(await emulator.head());
  });

  it("fetches blobs GitHub truncates at 512 KB in full through the REST blob API", async () => {
    const big = `kind: ConfigMap\ndata:\n  blob: "${"x".repeat(BLOB_TEXT_LIMIT_BYTES + 1000)}"\n`;
    const { emulator, octokit } = await start({
      "apps/ns/app/big.yaml": big,
      "apps/ns/app/small.yaml": "small: 1\n",
    });
    const snapshot = await createGitHubRepo({ octokit, owner: OWNER, repo: REPO }).read({
      roots: ["apps/ns"],
      configPaths: [],
    });
    expect(snapshot.files.get("apps/ns/app/big.yaml")).toBe(big);
    expect(snapshot.files.get("apps/ns/app/small.yaml")).toBe("small: 1\n");
    expect(emulator.requests.filter((r) => r.operation === "git/get-blob")).toHaveLength(1);
  });

  it("says which branch is missing when a configured branch does not exist", async () => {
    const { octokit } = await start({ "a.yaml": "a: 1\n" });
    const read = createGitHubRepo({ octokit, owner: OWNER, repo: REPO, branch: "release" }).read({
      roots: [""],
      configPaths: [],
    });
    await expect(read).rejects.toThrow(GitHubApiError);
    await expect(read).rejects.toThrow(/branch release does not exist/);
  });

  it("says the App may not be installed when the repository cannot be resolved", async () => {
    const { octokit } = await start({ "a.yaml": "a: 1\n" });
    const error = await createGitHubRepo({ octokit, owner: OWNER, repo: "not-there" })
      .read({ roots: [""], configPaths: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(false);
    expect((error as Error).message).toMatch(/wafflestudio\/not-there.*GitHub App is installed/);
  });
});

describe("createGitHubRepo commit", () => {
  it("reads and commits a 20-file namespace in two GraphQL requests once the token is warm", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      files[`apps/snutt-dev/app-${i}/deployment.yaml`] = deployment(
        `app-${i}`,
        `${REGISTRY}/snutt-dev/app-${i}:1`,
      );
    }
    const { emulator, octokit } = await start(files);
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });
    await repository.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] }); // warms the token
    const before = emulator.requests.length;
    const headBefore = await emulator.head();

    const snapshot = await repository.read({ roots: ["apps/snutt-dev"], configPaths: [".heimdall.yaml"] });
    expect(snapshot.files.size).toBe(20);
    const path = "apps/snutt-dev/app-7/deployment.yaml";
    const after = (snapshot.files.get(path) ?? "").replace("app-7:1", "app-7:2");
    const result = await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "Automated commit by ECR push (snutt-dev/app-7:2)",
      body: "snutt-dev/app-7: 1 → 2",
      files: [{ path, contents: after }],
    });

    const made = emulator.requests.slice(before);
    expect(made.map((r) => r.operation)).toEqual(["graphql query", "graphql mutation"]);
    const [commit] = await emulator.commits();
    expect(result.oid).toBe(commit?.oid);
    expect(result.url).toBe(`https://github.com/${OWNER}/${REPO}/commit/${result.oid}`);
    expect(commit).toMatchObject({
      parents: [headBefore],
      headline: "Automated commit by ECR push (snutt-dev/app-7:2)",
      body: "snutt-dev/app-7: 1 → 2",
      verified: true,
    });
    expect(await emulator.readFile(path)).toBe(after);
    expect(await emulator.readFile("apps/snutt-dev/app-8/deployment.yaml")).toBe(
      files["apps/snutt-dev/app-8/deployment.yaml"],
    );
  });

  it("throws StaleHeadError and overwrites nothing when the branch moved since the read", async () => {
    const { emulator, octokit } = await start({ "apps/ns/a/d.yaml": "image: x:1\n" });
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    let theirs = "";
    emulator.faults.beforeMutation(async () => {
      theirs = await emulator.pushCommit({ "apps/ns/a/d.yaml": "image: x:9\n" }, "someone else");
    });

    const error = await repository
      .commit({
        expectedHeadOid: snapshot.headOid,
        headline: "Automated commit by ECR push (ns/x:2)",
        body: "",
        files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StaleHeadError);
    expect((error as StaleHeadError).expectedHeadOid).toBe(snapshot.headOid);
    expect(await emulator.head()).toBe(theirs);
    expect(await emulator.readFile("apps/ns/a/d.yaml")).toBe("image: x:9\n");
  });

  it("commits to the default branch it read, whatever its name, and to a configured branch", async () => {
    const { emulator, octokit } = await start(
      { "apps/ns/a/d.yaml": "image: x:1\n" },
      { emulator: { defaultBranch: "trunk" } },
    );
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    });
    expect(await emulator.readFile("apps/ns/a/d.yaml", "trunk")).toBe("image: x:2\n");

    const pinned = createGitHubRepo({ octokit, owner: OWNER, repo: REPO, branch: "trunk" });
    const again = await pinned.read({ roots: ["apps/ns"], configPaths: [] });
    expect(again.files.get("apps/ns/a/d.yaml")).toBe("image: x:2\n");
    await pinned.commit({
      expectedHeadOid: again.headOid,
      headline: "h2",
      body: "",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:3\n" }],
    });
    expect(await emulator.readFile("apps/ns/a/d.yaml", "trunk")).toBe("image: x:3\n");
  });

  it("retries a commit that got a 502 and commits once", async () => {
    const { emulator, octokit } = await start({ "apps/ns/a/d.yaml": "image: x:1\n" });
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    emulator.faults.failNext(1, 502, (r) => r.graphqlFields.includes("createCommitOnBranch"));

    const result = await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    });

    expect(result.oid).toBe(await emulator.head());
    expect(await emulator.commits()).toHaveLength(2);
    expect(
      emulator.requests.filter((r) => r.graphqlFields.includes("createCommitOnBranch")).map((r) => r.status),
    ).toEqual([502, 200]);
  });

  it("never commits twice when a 502 hides a commit that landed: the retry is refused as stale", async () => {
    let dropped = false;
    // A proxy that loses GitHub's answer to the first mutation after GitHub has committed.
    const lossyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!dropped && typeof init?.body === "string" && init.body.includes("createCommitOnBranch")) {
        dropped = true;
        return new Response('{"message":"Bad Gateway"}', {
          status: 502,
          headers: { "content-type": "application/json" },
        });
      }
      return response;
    };
    const { emulator, octokit } = await start(
      { "apps/ns/a/d.yaml": "image: x:1\n" },
      { octokit: { request: { fetch: lossyFetch } } },
    );
    const repository = createGitHubRepo({ octokit, owner: OWNER, repo: REPO });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });

    await expect(
      repository.commit({
        expectedHeadOid: snapshot.headOid,
        headline: "h",
        body: "",
        files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
      }),
    ).rejects.toThrow(StaleHeadError);

    expect(dropped).toBe(true);
    expect(await emulator.commits()).toHaveLength(2);
    expect(await emulator.readFile("apps/ns/a/d.yaml")).toBe("image: x:2\n");
  });
});
