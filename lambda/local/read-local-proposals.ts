import type { ProposalState } from "../core/index.ts";
import { runGit } from "./run-git.ts";

/**
 * Reads the local proposal branches (`heimdall/<image repository>`) for the CLI: each branch's tip (parents
 * and message, so the use case can tell heimdall's commit from anyone else's) and which other branch keeps
 * git from creating it (`heimdall/a` vs `heimdall/a/b`). A local checkout has no pull requests.
 *
 * @example
 * await readLocalProposals(dir, ["heimdall/snutt-prod/snutt-timetable"]);
 * // Map { "heimdall/snutt-prod/snutt-timetable" => { branch, head: { oid, parentCount: 1, message } } }
 */
export async function readLocalProposals(
  dir: string,
  branches: readonly string[],
): Promise<Map<string, ProposalState>> {
  const states = new Map<string, ProposalState>();
  if (branches.length === 0) return states;
  const refs = (await runGit(dir, ["for-each-ref", "--format=%(refname)", "refs/heads/"]))
    .split("\n")
    .filter((ref) => ref !== "");
  for (const branch of branches) {
    const ref = `refs/heads/${branch}`;
    const blocking = refs.find((other) => other.startsWith(`${ref}/`) || ref.startsWith(`${other}/`));
    const blockedBy = blocking === undefined ? {} : { blockedBy: blocking.slice("refs/heads/".length) };
    if (!refs.includes(ref)) {
      states.set(branch, { branch, branchOnly: true, ...blockedBy });
      continue;
    }
    // %P: parents; %B: the raw message. NUL-separated so no message text can shift the fields.
    const [oid = "", parents = "", message = ""] = (
      await runGit(dir, ["log", "-1", "--format=%H%x00%P%x00%B", ref, "--"])
    ).split("\0");
    const head = {
      oid,
      parentCount: parents.split(" ").filter(Boolean).length,
      message: message.replace(/\n+$/, ""),
    };
    states.set(branch, { branch, head, branchOnly: true, ...blockedBy });
  }
  return states;
}
