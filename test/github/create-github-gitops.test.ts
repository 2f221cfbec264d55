import { describe, expect, it } from "vitest";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GitHubApiError } from "../../lambda/github/github-api-error.ts";
import { GITOPS_NAME, GITOPS_OWNER, SEOUL_REGISTRY } from "../support/constants.ts";
import { BLOB_TEXT_LIMIT_BYTES } from "../support/github-emulator/graphql-model.ts";
import { deployment, isGraphql, useGitHubFixture } from "../support/github-fixture.ts";

const TIMETABLE = `${SEOUL_REGISTRY}/snutt-dev/snutt-timetable`;

const start = useGitHubFixture();

describe("createGitHubGitOps read", () => {
  it("returns the head and every YAML file under the roots, plus the first existing config", async () => {
    const { emulator, octokit } = await start({
      "apps/snutt-dev/snutt-timetable/deployment.yaml": deployment("snutt-timetable", `${TIMETABLE}:45`),
      "apps/snutt-dev/snutt-timetable/service.yml": "kind: Service\n",
      "apps/snutt-dev/snutt-timetable/README.md": "not a manifest\n",
      "apps/snutt-dev/snutt-ev/overlays/prod/patch.yaml": "kind: Kustomization\n",
      "apps/snutt-prod/snutt-timetable/deployment.yaml": deployment(
        "snutt-timetable",
        `${SEOUL_REGISTRY}/snutt-prod/x:1`,
      ),
      ".heimdall.yml": "version: 1\n",
    });
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });

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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });

    const whole = await repository.read({ roots: [""], configPaths: [] });
    expect([...whole.files.keys()].sort()).toEqual(["a.yaml", "apps/x/b.yaml"]);

    const missing = await repository.read({ roots: ["apps/nowhere"], configPaths: [".heimdall.yaml"] });
    expect(missing.files.size).toBe(0);
    expect(missing.config).toBeUndefined();
  });

  it("keeps CRLF line breaks and a byte-order mark exactly", async () => {
    const text = "\uFEFFkind: Deployment\r\nimage: x:1\r\n";
    const { octokit } = await start({ "apps/ns/a/d.yaml": text });
    const snapshot = await createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME }).read({
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
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME, treeDepth: 2 });
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
    const snapshot = await createGitHubGitOps({
      octokit: { request: octokit.request, graphql: racing as typeof octokit.graphql },
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
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
    const snapshot = await createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME }).read({
      roots: ["apps/ns"],
      configPaths: [],
    });
    expect(snapshot.files.get("apps/ns/app/big.yaml")).toBe(big);
    expect(snapshot.files.get("apps/ns/app/small.yaml")).toBe("small: 1\n");
    expect(emulator.requests.filter((r) => r.operation === "git/get-blob")).toHaveLength(1);
  });

  it("says which branch is missing when a configured branch does not exist", async () => {
    const { octokit } = await start({ "a.yaml": "a: 1\n" });
    const read = createGitHubGitOps({
      octokit,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      branch: "release",
    }).read({
      roots: [""],
      configPaths: [],
    });
    await expect(read).rejects.toThrow(GitHubApiError);
    await expect(read).rejects.toThrow(/branch release does not exist/);
  });

  it("says the App may not be installed when the repository cannot be resolved", async () => {
    const { octokit } = await start({ "a.yaml": "a: 1\n" });
    const error = await createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: "not-there" })
      .read({ roots: [""], configPaths: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).transient).toBe(false);
    expect((error as Error).message).toMatch(/wafflestudio\/not-there.*GitHub App is installed/);
  });
});
