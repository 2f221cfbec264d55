import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidConfigError } from "../lambda/core/config/invalid-config-error.ts";
import type { GitOpsRepository } from "../lambda/core/update/gitops-repository.ts";
import { updateManifests } from "../lambda/core/update/update-manifests.ts";
import { createGitHubGitOps } from "../lambda/github/create-github-gitops.ts";
import { createLocalGitOps } from "../lambda/local/create-local-gitops.ts";
import { runGit } from "../lambda/local/run-git.ts";
import { GITOPS_NAME, GITOPS_OWNER, SEOUL_REGISTRY } from "./support/constants.ts";
import { ecrPush } from "./support/ecr-push.ts";
import { useGitHubFixture } from "./support/github-fixture.ts";
import { commitCount, createTempGitRepo, removeDir } from "./support/temp-git-repo.ts";

// A config heimdall cannot read as a regular UTF-8 text file is an invalid config: the update is refused with
// the same message whichever front door read the repository — the CLI's local checkout or the Lambda's GitHub.
const MANIFEST = "apps/snutt-dev/app/deploy.yaml";
const manifest = `image: ${SEOUL_REGISTRY}/snutt-dev/app:1\n`;
const push = ecrPush("snutt-dev/app", "2");

type Entry = string | Buffer | { readonly symlink: string };
const CASES: readonly [string, Record<string, Entry>, RegExp][] = [
  [
    "a symbolic link",
    { ".heimdall.yaml": { symlink: "config/heimdall.yaml" }, "config/heimdall.yaml": "version: 1\n" },
    /^\.heimdall\.yaml: is a symbolic link, not a regular text file — /,
  ],
  [
    "a file with a NUL byte (binary to GitHub)",
    { ".heimdall.yaml": Buffer.from("version: 1\nfallback: none\0\n", "utf8") },
    /^\.heimdall\.yaml:2: is not text \(it holds a NUL byte\)/,
  ],
  [
    "a file that is not UTF-8",
    {
      ".heimdall.yaml": Buffer.concat([
        Buffer.from("version: 1\n# caf"),
        Buffer.from([0xe9]),
        Buffer.from("\n"),
      ]),
    },
    /^\.heimdall\.yaml:2: is not valid UTF-8/,
  ],
  [
    "a directory",
    { ".heimdall.yaml/x.yaml": "version: 1\n" },
    /^\.heimdall\.yaml: is a directory, not a regular/,
  ],
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function localCheckout(files: Record<string, Entry>): Promise<string> {
  const dir = await createTempGitRepo();
  dirs.push(dir);
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    if (typeof contents === "object" && !Buffer.isBuffer(contents))
      await symlink(contents.symlink, join(dir, path));
    else await writeFile(join(dir, path), contents);
  }
  await runGit(dir, ["add", "--all"]);
  await runGit(dir, ["commit", "--quiet", "-m", "manifests"]);
  return dir;
}

async function refusal(gitops: GitOpsRepository): Promise<InvalidConfigError> {
  const error = await updateManifests({ pushes: [push], gitops }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidConfigError);
  return error as InvalidConfigError;
}

describe("a config that is not a regular UTF-8 text file", () => {
  const startGitHub = useGitHubFixture();

  it.each(CASES)(
    "refuses %s, the same through the local checkout and through GitHub",
    async (_, files, message) => {
      const all = { ...files, [MANIFEST]: manifest };
      const dir = await localCheckout(all);
      const local = await refusal(createLocalGitOps({ dir }));
      expect(local.message).toMatch(message);
      expect(await commitCount(dir)).toBe(2);

      const { emulator, octokit } = await startGitHub(all);
      const github = await refusal(createGitHubGitOps({ octokit, owner: GITOPS_OWNER, repo: GITOPS_NAME }));
      expect(github.message).toBe(local.message);
      expect(await emulator.commits()).toHaveLength(1);
    },
  );

  it("refuses a config that is a symbolic link only in the working tree", async () => {
    const dir = await localCheckout({ ".heimdall.yaml": "version: 1\n", [MANIFEST]: manifest });
    // Tracked as a regular file, a link on disk: the CLI reads the working tree, and never follows it.
    await removeDir(join(dir, ".heimdall.yaml"));
    await symlink("/etc/hostname", join(dir, ".heimdall.yaml"));
    const error = await refusal(createLocalGitOps({ dir }));
    expect(error.message).toMatch(
      /^\.heimdall\.yaml: is a symbolic link in the working tree, not a regular text file/,
    );
  });
});
