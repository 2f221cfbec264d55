import { runGit } from "./run-git.ts";

/** One ref change as GitHub's `RefUpdate` expresses it; the zero oid means "absent". */
export interface RefChange {
  /** Fully qualified, e.g. `refs/heads/heimdall/a`. */
  readonly name: string;
  /** Where the ref must point first (zero oid: must not exist); unchecked when absent. */
  readonly beforeOid?: string;
  /** Where it points after (zero oid: deleted). */
  readonly afterOid: string;
  /** Allow a move that is not a fast-forward. */
  readonly force: boolean;
}

export type RefChangeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const ZERO_OID = "0".repeat(40);

/**
 * Ref-level git operations the emulator needs beyond single commits: atomic multi-ref updates (one
 * `git update-ref --stdin` transaction, so either every ref moves or none), ancestry, listing refs by
 * prefix, and the tree a merge of two commits would have (`git merge-tree --write-tree`).
 *
 * @example
 * const refs = createGitRefs(repoDir);
 * await refs.update([{ name: "refs/heads/x", beforeOid: ZERO_OID, afterOid: oid, force: false }]);
 */
export function createGitRefs(dir: string) {
  const git = (args: readonly string[], input?: string) =>
    runGit(dir, args, input === undefined ? {} : { input });

  async function current(name: string): Promise<string | undefined> {
    try {
      const out = (await git(["rev-parse", "--verify", "--quiet", `${name}^{commit}`]))
        .toString("utf8")
        .trim();
      return /^[0-9a-f]{40}$/.test(out) ? out : undefined;
    } catch {
      return undefined;
    }
  }

  async function isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await git(["merge-base", "--is-ancestor", ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  return {
    current,
    isAncestor,

    /** Applies every change or none; a failed check names the ref and what it found. */
    async update(changes: readonly RefChange[]): Promise<RefChangeResult> {
      const lines: string[] = [];
      for (const change of changes) {
        const now = await current(change.name);
        if (change.beforeOid !== undefined && (now ?? ZERO_OID) !== change.beforeOid) {
          return {
            ok: false,
            reason: `${change.name} points to ${now ?? "nothing"}, not ${change.beforeOid}`,
          };
        }
        const deleting = change.afterOid === ZERO_OID;
        if (!deleting && now !== undefined && !change.force && !(await isAncestor(now, change.afterOid))) {
          return { ok: false, reason: `Update is not a fast forward: ${change.name}` };
        }
        if (deleting) {
          if (now !== undefined) lines.push(`delete ${change.name} ${now}`);
        } else {
          lines.push(`update ${change.name} ${change.afterOid} ${now ?? ZERO_OID}`);
        }
      }
      try {
        await git(["update-ref", "--stdin"], `${["start", ...lines, "prepare", "commit"].join("\n")}\n`);
        return { ok: true };
      } catch (error) {
        const detail =
          error instanceof Error ? error.message.replace(/^git update-ref failed in [^:]*: /, "") : "";
        return { ok: false, reason: detail || "the refs could not be updated" };
      }
    },

    /** Branch names (without `refs/heads/`) under `prefix` (a qualified prefix ending in `/`), sorted. */
    async list(prefix: string): Promise<string[]> {
      const out = (await git(["for-each-ref", "--format=%(refname)", prefix])).toString("utf8");
      return out
        .split("\n")
        .filter((ref) => ref.startsWith(prefix))
        .sort();
    },

    /** Writes a commit object for `tree` with `parents` (no ref moves) and returns its oid. */
    async commitTree(
      tree: string,
      parents: readonly string[],
      message: string,
      person: { readonly name: string; readonly email: string },
      committer: { readonly name: string; readonly email: string },
      date: Date,
    ): Promise<string> {
      const stamp = `${Math.floor(date.getTime() / 1000)} +0000`;
      const out = await runGit(
        dir,
        ["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent]), "-F", "-"],
        {
          input: message,
          env: {
            GIT_AUTHOR_NAME: person.name,
            GIT_AUTHOR_EMAIL: person.email,
            GIT_AUTHOR_DATE: stamp,
            GIT_COMMITTER_NAME: committer.name,
            GIT_COMMITTER_EMAIL: committer.email,
            GIT_COMMITTER_DATE: stamp,
          },
        },
      );
      return out.toString("utf8").trim();
    },

    /** A commit's raw message. */
    async message(oid: string): Promise<string> {
      return (await git(["log", "-1", "--format=%B", oid, "--"])).toString("utf8").replace(/\n+$/, "");
    },

    /** The tree merging `theirs` into `ours` would produce, or undefined on a conflict. */
    async mergeTree(ours: string, theirs: string): Promise<string | undefined> {
      try {
        const out = (await git(["merge-tree", "--write-tree", ours, theirs])).toString("utf8");
        return out.split("\n")[0]?.trim();
      } catch {
        return undefined;
      }
    },
  };
}

export type GitRefs = ReturnType<typeof createGitRefs>;
