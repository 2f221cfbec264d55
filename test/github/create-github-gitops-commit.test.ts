import { describe, expect, it } from "vitest";
import { StaleHeadError } from "../../lambda/core/update/stale-head-error.ts";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GITOPS_NAME, GITOPS_OWNER, SEOUL_REGISTRY } from "../support/constants.ts";
import { deployment, useGitHubFixture } from "../support/github-fixture.ts";

const start = useGitHubFixture();

describe("createGitHubGitOps commit", () => {
  it("spaces its own commits at least a second apart (GitHub's guidance for mutations), not its reads", async () => {
    const path = "apps/snutt-dev/app/deployment.yaml";
    const { octokit } = await start({ [path]: deployment("app", `${SEOUL_REGISTRY}/snutt-dev/app:1`) });
    let clock = 10_000;
    const waits: number[] = [];
    const repository = createGitHubGitOps({
      octokit,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    for (const tag of ["2", "3"]) {
      const snapshot = await repository.read({ roots: ["apps/snutt-dev"], configPaths: [] });
      await repository.commit({
        expectedHeadOid: snapshot.headOid,
        headline: `tag ${tag}`,
        body: "",
        files: [{ path, contents: (snapshot.files.get(path) ?? "").replace(/app:\d+/, `app:${tag}`) }],
      });
      clock += 300;
    }
    expect(waits).toEqual([700]);
  });

  it("reads and commits a 20-file namespace in two GraphQL requests once the token is warm", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      files[`apps/snutt-dev/app-${i}/deployment.yaml`] = deployment(
        `app-${i}`,
        `${SEOUL_REGISTRY}/snutt-dev/app-${i}:1`,
      );
    }
    const { emulator, octokit } = await start(files);
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
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
    expect(result.url).toBe(`https://github.com/${GITOPS_OWNER}/${GITOPS_NAME}/commit/${result.oid}`);
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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    });
    expect(await emulator.readFile("apps/ns/a/d.yaml", "trunk")).toBe("image: x:2\n");

    const pinned = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME, branch: "trunk" });
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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
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

  it("never commits twice when a 502 hides a commit that landed, and reports that commit as its own", async () => {
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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });

    const result = await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "b",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    });

    expect(dropped).toBe(true);
    const commits = await emulator.commits();
    expect(commits).toHaveLength(2);
    expect(result.oid).toBe(commits[0]?.oid);
    expect(commits[0]?.parents).toEqual([snapshot.headOid]);
    expect(await emulator.readFile("apps/ns/a/d.yaml")).toBe("image: x:2\n");
  });

  it("does not take someone else's commit with the same parent for its own", async () => {
    const { emulator, octokit } = await start({ "apps/ns/a/d.yaml": "image: x:1\n" });
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    // Same message and parent, but different content: a human's commit, not the one we sent.
    emulator.faults.beforeMutation(async () => {
      await emulator.pushCommit({ "apps/ns/a/d.yaml": "image: x:3\n" }, "h");
    });
    await expect(
      repository.commit({
        expectedHeadOid: snapshot.headOid,
        headline: "h",
        body: "",
        files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
      }),
    ).rejects.toThrow(StaleHeadError);
    expect(await emulator.readFile("apps/ns/a/d.yaml")).toBe("image: x:3\n");
  });

  it("reports its commit when a lost reply is followed by someone else's commit on top", async () => {
    let emulatorRef: { pushCommit: (files: Record<string, string>, message: string) => Promise<string> };
    let dropped = false;
    // GitHub commits, the answer is lost, and someone else commits on top before the retry.
    const lossyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!dropped && typeof init?.body === "string" && init.body.includes("createCommitOnBranch")) {
        dropped = true;
        await emulatorRef.pushCommit({ "apps/ns/b/other.yaml": "kind: ConfigMap\n" }, "someone else");
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
    emulatorRef = emulator;
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });

    const result = await repository.commit({
      expectedHeadOid: snapshot.headOid,
      headline: "h",
      body: "b",
      files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
    });

    const commits = await emulator.commits();
    expect(commits.map((commit) => commit.headline)).toEqual(["someone else", "h", "Initial commit"]);
    expect(result.oid).toBe(commits[1]?.oid);
  });

  it("does not take a concurrent copy's identical commit for its own when its own request was answered", async () => {
    const { emulator, octokit } = await start({ "apps/ns/a/d.yaml": "image: x:1\n" });
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    const snapshot = await repository.read({ roots: ["apps/ns"], configPaths: [] });
    // Another invocation of the same event got there first: same parent, same message, same text.
    emulator.faults.beforeMutation(async () => {
      await emulator.pushCommit({ "apps/ns/a/d.yaml": "image: x:2\n" }, "h\n\nb");
    });
    await expect(
      repository.commit({
        expectedHeadOid: snapshot.headOid,
        headline: "h",
        body: "b",
        files: [{ path: "apps/ns/a/d.yaml", contents: "image: x:2\n" }],
      }),
    ).rejects.toThrow(StaleHeadError);
  });
});
