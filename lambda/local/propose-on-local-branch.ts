import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProposalRequest, type ProposalResult, StaleHeadError } from "../core/index.ts";
import { LocalRepoError } from "./local-repo-error.ts";
import { runGit } from "./run-git.ts";

const NO_REF = "0".repeat(40);

/**
 * The CLI's proposal: one commit holding `request.files` on top of `baseOid`, made with git plumbing in a
 * private index (the checked-out branch, the index and the working tree stay exactly as they are), then
 * `refs/heads/<branch>` moved to it in one `update-ref` guarded by the oid the branch had when read (or by
 * "must not exist"). Files with uncommitted changes are refused, as for a commit: the proposal would carry
 * them. There are no pull requests locally; the branch is the proposal.
 *
 * @example
 * await proposeOnLocalBranch(dir, { branch: "heimdall/snutt-prod/snutt-timetable", baseOid: head, ... });
 * // { commit: { oid: "…" }, notes: [] }
 */
export async function proposeOnLocalBranch(dir: string, request: ProposalRequest): Promise<ProposalResult> {
  const ref = `refs/heads/${request.branch}`;
  const checkedOut = (await runGit(dir, ["symbolic-ref", "-q", "HEAD"]).catch(() => "")).trim();
  if (checkedOut === ref) {
    throw new LocalRepoError(
      `${request.branch} is checked out in ${dir} — check out the branch heimdall proposes against and run again`,
    );
  }
  const paths = request.files.map((file) => file.path);
  const dirty = (await runGit(dir, ["status", "--porcelain", "-z", "--", ...paths]))
    .split("\0")
    .filter(Boolean);
  if (dirty.length > 0) {
    throw new LocalRepoError(
      `${dir} has uncommitted changes in ${dirty.map((line) => line.slice(3)).join(", ")} — commit or stash them first`,
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), "heimdall-index-"));
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    await runGit(dir, ["read-tree", request.baseOid], { env });
    for (const file of request.files) {
      const oid = (await runGit(dir, ["hash-object", "-w", "--stdin"], { input: file.contents })).trim();
      const listed = await runGit(dir, ["ls-tree", request.baseOid, "--", file.path]);
      const mode = /^(100644|100755) /.exec(listed)?.[1] ?? "100644";
      await runGit(dir, ["update-index", "--add", "--cacheinfo", `${mode},${oid},${file.path}`], { env });
    }
    const tree = (await runGit(dir, ["write-tree"], { env })).trim();
    const message = request.body === "" ? request.headline : `${request.headline}\n\n${request.body}`;
    const oid = (
      await runGit(dir, ["commit-tree", tree, "-p", request.baseOid, "-F", "-"], { input: message })
    ).trim();
    try {
      await runGit(dir, [
        "update-ref",
        "-m",
        `heimdall: ${request.headline}`,
        ref,
        oid,
        request.expectedBranchOid ?? NO_REF,
      ]);
    } catch (cause) {
      throw new StaleHeadError(
        `${request.branch} in ${dir} moved since it was read`,
        request.expectedBranchOid ?? NO_REF,
        {
          cause,
        },
      );
    }
    return { commit: { oid }, notes: [] };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
