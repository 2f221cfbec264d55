/**
 * The `CreateCommitOnBranchInput` for one commit of `files` on `branch`, guarded by `expectedHeadOid`: no author
 * or committer, so GitHub signs it as the App; file texts base64 as the API wants them; the body left out when
 * empty.
 *
 * @example
 * commitOnBranchInput({ repository: "wafflestudio/gitops", branch: "main", expectedHeadOid: head,
 *   headline: "Automated commit by ECR push (a:46)", body: "", files: [{ path: "a.yaml", contents: "…" }] });
 */
export function commitOnBranchInput(commit: {
  readonly repository: string;
  readonly branch: string;
  readonly expectedHeadOid: string;
  readonly headline: string;
  readonly body: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
}) {
  return {
    branch: { repositoryNameWithOwner: commit.repository, branchName: commit.branch },
    expectedHeadOid: commit.expectedHeadOid,
    message:
      commit.body === "" ? { headline: commit.headline } : { headline: commit.headline, body: commit.body },
    fileChanges: {
      additions: commit.files.map((file) => ({
        path: file.path,
        contents: Buffer.from(file.contents, "utf8").toString("base64"),
      })),
    },
  };
}
