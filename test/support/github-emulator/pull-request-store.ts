import type { GitRefs } from "./git-refs.ts";
import { GitHubGraphqlError } from "./github-graphql-error.ts";
import type { Mutex } from "./mutex.ts";

export type EmulatedMergeMethod = "MERGE" | "SQUASH" | "REBASE";

/** One pull request as the emulator keeps it. */
export interface EmulatedPullRequest {
  readonly id: string;
  readonly number: number;
  title: string;
  body: string;
  readonly headRefName: string;
  readonly baseRefName: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  labels: string[];
  autoMergeMethod?: EmulatedMergeMethod;
  /** The head oid when it was closed or merged (an open one follows its branch). */
  finalHeadOid?: string;
  mergeCommitOid?: string;
  readonly createdAt: number;
}

/** Repository settings and installation permissions that change how pull requests behave. */
export interface EmulatedRepositorySettings {
  /** "Allow auto-merge" in the repository settings (GitHub's default is off; the emulator's is on). */
  allowAutoMerge: boolean;
  /** Required status checks on the base: auto-merge waits for them; without any a pull request is "clean". */
  requiredChecks: boolean;
  /** The installation's "Pull requests" permission. */
  pullRequests: "write" | "none";
}

interface Person {
  readonly name: string;
  readonly email: string;
}

/**
 * The emulated repository's pull requests, labels and settings, with GitHub's rules for them: one open pull
 * request per head and base; an open pull request whose head branch is deleted, or reset so that it has no
 * commits the base lacks, is closed for good; merging (merge, squash or rebase of the head's commits) writes a
 * real commit on the base branch (the App's merges are signed by GitHub).
 *
 * @example
 * const store = createPullRequestStore({ refs, lock, now, bot, markVerified });
 * const pr = await store.open({ base: "main", head: "heimdall/a", title: "t", body: "", draft: false });
 */
export function createPullRequestStore(deps: {
  readonly refs: GitRefs;
  readonly lock: Mutex;
  readonly now: () => number;
  /** The App's bot identity, author of the App's merges. */
  readonly bot: Person;
  readonly markVerified: (oid: string) => void;
}) {
  const { refs } = deps;
  const pulls: EmulatedPullRequest[] = [];
  const labels = new Map<string, { readonly id: number; readonly name: string; readonly color: string }>();
  const settings: EmulatedRepositorySettings = {
    allowAutoMerge: true,
    requiredChecks: true,
    pullRequests: "write",
  };

  async function headOid(pr: EmulatedPullRequest): Promise<string | undefined> {
    return pr.state === "OPEN" ? refs.current(`refs/heads/${pr.headRefName}`) : pr.finalHeadOid;
  }

  function find(number: number): EmulatedPullRequest {
    const pr = pulls.find((candidate) => candidate.number === number);
    if (pr === undefined)
      throw new GitHubGraphqlError(
        "NOT_FOUND",
        `Could not resolve to a PullRequest with the number of ${number}.`,
      );
    return pr;
  }

  async function close(pr: EmulatedPullRequest, state: "CLOSED" | "MERGED", head: string | undefined) {
    pr.state = state;
    if (head !== undefined) pr.finalHeadOid = head;
    delete pr.autoMergeMethod;
  }

  return {
    pulls: pulls as readonly EmulatedPullRequest[],
    labels,
    settings,
    headOid,
    find,
    byId(id: string): EmulatedPullRequest {
      const pr = pulls.find((candidate) => candidate.id === id);
      if (pr === undefined)
        throw new GitHubGraphqlError(
          "NOT_FOUND",
          `Could not resolve to a node with the global id of '${id}'`,
        );
      return pr;
    },

    async open(input: { base: string; head: string; title: string; body: string; draft: boolean }) {
      const head = await refs.current(`refs/heads/${input.head}`);
      const base = await refs.current(`refs/heads/${input.base}`);
      if (head === undefined || base === undefined) {
        throw new GitHubGraphqlError(
          "UNPROCESSABLE",
          `Head sha can't be blank, Base sha can't be blank, No commits between ${input.base} and ${input.head}, Head ref must be a branch`,
        );
      }
      if (
        pulls.some(
          (pr) => pr.state === "OPEN" && pr.headRefName === input.head && pr.baseRefName === input.base,
        )
      ) {
        throw new GitHubGraphqlError("UNPROCESSABLE", `A pull request already exists for ${input.head}.`);
      }
      if (await refs.isAncestor(head, base)) {
        throw new GitHubGraphqlError("UNPROCESSABLE", `No commits between ${input.base} and ${input.head}`);
      }
      const number = pulls.length + 1;
      const pr: EmulatedPullRequest = {
        id: Buffer.from(`PullRequest:${number}`).toString("base64url"),
        number,
        title: input.title,
        body: input.body,
        headRefName: input.head,
        baseRefName: input.base,
        state: "OPEN",
        isDraft: input.draft,
        labels: [],
        createdAt: deps.now() + number, // strictly increasing, for newest-first ordering
      };
      pulls.push(pr);
      return pr;
    },

    addLabels(pr: EmulatedPullRequest, names: readonly string[]): void {
      for (const name of names) {
        if (!labels.has(name)) labels.set(name, { id: 5000 + labels.size, name, color: "ededed" });
        if (!pr.labels.includes(name)) pr.labels.push(name);
      }
    },

    /** GitHub's sync after a push: open pull requests whose head vanished or has nothing left to merge close. */
    async syncAfterRefChange(changed: readonly string[]): Promise<void> {
      for (const pr of pulls) {
        if (pr.state !== "OPEN" || !changed.includes(`refs/heads/${pr.headRefName}`)) continue;
        const head = await refs.current(`refs/heads/${pr.headRefName}`);
        const base = await refs.current(`refs/heads/${pr.baseRefName}`);
        if (head === undefined || (base !== undefined && (await refs.isAncestor(head, base)))) {
          await close(pr, "CLOSED", head ?? pr.finalHeadOid);
        }
      }
    },

    async close(pr: EmulatedPullRequest): Promise<void> {
      await close(pr, "CLOSED", await headOid(pr));
    },

    /** Merges like GitHub's merge button; `by` is the App (signed) or a person. */
    async merge(
      pr: EmulatedPullRequest,
      method: EmulatedMergeMethod,
      by: Person | "app",
      expectedHeadOid?: string,
    ) {
      return deps.lock.run(async () => {
        if (pr.state !== "OPEN") throw new GitHubGraphqlError("UNPROCESSABLE", "Pull request is not open");
        const head = await refs.current(`refs/heads/${pr.headRefName}`);
        const baseRef = `refs/heads/${pr.baseRefName}`;
        const base = await refs.current(baseRef);
        if (head === undefined || base === undefined)
          throw new GitHubGraphqlError("UNPROCESSABLE", "Head or base branch is missing");
        if (expectedHeadOid !== undefined && expectedHeadOid !== head) {
          throw new GitHubGraphqlError(
            "UNPROCESSABLE",
            "Head branch was modified. Review and try the merge again.",
          );
        }
        const tree = await refs.mergeTree(base, head);
        if (tree === undefined)
          throw new GitHubGraphqlError("UNPROCESSABLE", "Pull Request is not mergeable");
        const author = by === "app" ? deps.bot : by;
        const committer = by === "app" ? { name: "GitHub", email: "noreply@github.com" } : by;
        const parents = method === "MERGE" ? [base, head] : [base];
        // Rebasing the head's one commit keeps its message; the others are GitHub's default titles.
        const message =
          method === "MERGE"
            ? `Merge pull request #${pr.number} from ${pr.headRefName}\n\n${pr.title}`
            : method === "SQUASH"
              ? `${pr.title} (#${pr.number})`
              : await refs.message(head);
        const oid = await refs.commitTree(tree, parents, message, author, committer, new Date(deps.now()));
        const moved = await refs.update([{ name: baseRef, beforeOid: base, afterOid: oid, force: false }]);
        if (!moved.ok)
          throw new GitHubGraphqlError("UNPROCESSABLE", `Base branch was modified: ${moved.reason}`);
        if (by === "app") deps.markVerified(oid);
        pr.mergeCommitOid = oid;
        await close(pr, "MERGED", head);
        return pr;
      });
    },
  };
}

export type PullRequestStore = ReturnType<typeof createPullRequestStore>;
