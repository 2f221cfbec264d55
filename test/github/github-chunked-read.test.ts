import { describe, expect, it } from "vitest";
import { createGitHubGitOps } from "../../lambda/github/create-github-gitops.ts";
import { GITOPS_NAME, GITOPS_OWNER } from "../support/constants.ts";
import { BLOB_TEXT_LIMIT_BYTES } from "../support/github-emulator/graphql-model.ts";
import { isGraphql, useGitHubFixture } from "../support/github-fixture.ts";

const start = useGitHubFixture();

function namespace(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`apps/big/app-${i}/deployment.yaml`] = `image: r.example/big/app-${i}:1\n# ${"x".repeat(i % 7)}\n`;
  }
  return files;
}

describe("createGitHubGitOps read of a large namespace", () => {
  it("lists the tree, then reads texts in bounded batches by blob oid, once the namespace is known to be large", async () => {
    const files: Record<string, string> = {
      ...namespace(60),
      "apps/big/app-0/same.yaml": "image: r.example/big/app-0:1\n# \n", // same blob as app-0's deployment
      "apps/big/binary.yaml": "x\0y\n",
      "apps/big/README.md": "not a manifest\n",
      "apps/big/huge.yaml": `a: ${"y".repeat(BLOB_TEXT_LIMIT_BYTES + 10)}\n`,
      ".heimdall.yaml": "version: 1\n",
    };
    const { emulator, octokit } = await start(files);
    const repository = createGitHubGitOps({
      octokit,
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      chunkedReads: {
        aboveFiles: 20,
        batch: { maxBlobs: 25, maxBytes: 1000, maxGraphqlBlobBytes: BLOB_TEXT_LIMIT_BYTES },
        concurrency: 2,
      },
    });
    const request = { roots: ["apps/big"], configPaths: [".heimdall.yaml"] };
    const first = await repository.read(request); // one query: the size is not known yet
    expect(emulator.requests.filter(isGraphql)).toHaveLength(1);

    const before = emulator.requests.length;
    const second = await repository.read(request);
    const made = emulator.requests.slice(before);

    expect(second).toEqual(first);
    expect(second.headOid).toBe(await emulator.head());
    expect(second.files.get("apps/big/app-42/deployment.yaml")).toBe(
      files["apps/big/app-42/deployment.yaml"],
    );
    expect(second.files.get("apps/big/app-0/same.yaml")).toBe(files["apps/big/app-0/same.yaml"]);
    expect(second.files.has("apps/big/binary.yaml")).toBe(false);
    expect(second.files.get("apps/big/huge.yaml")).toBe(files["apps/big/huge.yaml"]);
    expect(second.config).toEqual({ path: ".heimdall.yaml", text: "version: 1\n" });
    // 61 manifests, 60 distinct blobs of ~40 bytes: 25 per batch by count, 1000 bytes by size → 3 batches;
    // the blob over GraphQL's text limit through REST.
    const graphql = made.filter(isGraphql);
    expect(graphql.length).toBe(1 + 3);
    expect(made.filter((r) => r.operation === "git/get-blob")).toHaveLength(1);
    expect(made.every((r) => r.status === 200)).toBe(true);
  });

  it("reads every text at the commit the tree was listed at, even when the branch moves in between", async () => {
    const files = namespace(30);
    const { emulator, octokit } = await start(files);
    let listed = false;
    const repository = createGitHubGitOps({
      octokit: {
        request: octokit.request,
        graphql: Object.assign(async (query: string, parameters?: Record<string, unknown>) => {
          const answer = await octokit.graphql(query, parameters);
          if (query.includes("HeimdallRead") && query.includes("byteSize") && !listed) {
            listed = true;
            await emulator.pushCommit(
              { "apps/big/app-3/deployment.yaml": "image: r.example/big/app-3:2\n" },
              "someone else, mid-read",
            );
          }
          return answer;
        }, octokit.graphql) as typeof octokit.graphql,
      },
      owner: GITOPS_OWNER,
      repo: GITOPS_NAME,
      chunkedReads: { aboveFiles: 10 },
    });
    const first = await repository.read({ roots: ["apps/big"], configPaths: [] });
    const second = await repository.read({ roots: ["apps/big"], configPaths: [] });

    expect(listed).toBe(true);
    expect(second.headOid).toBe(first.headOid);
    expect(second.headOid).not.toBe(await emulator.head());
    expect(second.files.get("apps/big/app-3/deployment.yaml")).toBe(files["apps/big/app-3/deployment.yaml"]);
    expect(second.files).toEqual(first.files);
  });

  it("keeps a namespace that stays small at one query per read", async () => {
    const { emulator, octokit } = await start(namespace(5));
    const repository = createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME });
    await repository.read({ roots: ["apps/big"], configPaths: [".heimdall.yaml"] });
    await repository.read({ roots: ["apps/big"], configPaths: [".heimdall.yaml"] });
    expect(emulator.requests.filter(isGraphql)).toHaveLength(2);
  });
});
