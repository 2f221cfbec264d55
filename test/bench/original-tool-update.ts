import type { GitHubAppOctokit } from "../../lambda/github/create-github-app-octokit.ts";

/**
 * The approach of the tool heimdall replaces, re-implemented for a side-by-side request count on the same
 * emulator: list the namespace directory through the contents API (recursively), GET every file, replace
 * the tag with a regular expression, and PUT each changed file as its own commit.
 */
export async function originalToolUpdate(options: {
  readonly octokit: GitHubAppOctokit;
  readonly owner: string;
  readonly repo: string;
  readonly directory: string;
  readonly image: string;
  readonly tag: string;
}): Promise<{ filesChanged: number }> {
  const { octokit, owner, repo } = options;
  const files: { path: string; sha: string; text: string }[] = [];
  const walk = async (path: string): Promise<void> => {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo,
      path,
    });
    for (const entry of data as { type: string; path: string }[]) {
      if (entry.type === "dir") await walk(entry.path);
      else if (/\.ya?ml$/.test(entry.path)) {
        const file = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
          owner,
          repo,
          path: entry.path,
        });
        const content = file.data as { sha: string; content: string };
        files.push({
          path: entry.path,
          sha: content.sha,
          text: Buffer.from(content.content, "base64").toString("utf8"),
        });
      }
    }
  };
  await walk(options.directory);
  const pattern = new RegExp(
    `${options.image.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:[A-Za-z0-9_.-]+`,
    "g",
  );
  let filesChanged = 0;
  for (const file of files) {
    const updated = file.text.replace(pattern, `${options.image}:${options.tag}`);
    if (updated === file.text) continue;
    await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo,
      path: file.path,
      sha: file.sha,
      message: `Automated commit by ECR push (${options.image.split("/").slice(1).join("/")}:${options.tag})`,
      content: Buffer.from(updated).toString("base64"),
    });
    filesChanged++;
  }
  return { filesChanged };
}
