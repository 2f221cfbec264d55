import { describe, expect, it } from "vitest";
import { decideProposal } from "../../lambda/core/update/decide-proposal.ts";
import type { ProposalState, PullRequestState } from "../../lambda/core/update/gitops-repository.ts";
import { proposalTrailer, readProposalTrailer } from "../../lambda/core/update/proposal-trailer.ts";
import { ecrPush } from "../support/ecr-push.ts";

const BRANCH = "heimdall/snutt-prod/snutt-timetable";
const push46 = ecrPush("snutt-prod/snutt-timetable", "46");
const push47 = ecrPush("snutt-prod/snutt-timetable", "47");
const TIP = "1".repeat(40);

const ours = (tag: string) => ({
  oid: TIP,
  parentCount: 1,
  message: `Automated commit by ECR push (snutt-prod/snutt-timetable:${tag})\n\n${proposalTrailer({ ...push46, tag })}`,
  signedByBackend: true,
});
const pull = (state: PullRequestState["state"], headOid = TIP): PullRequestState => ({
  id: "PR_1",
  number: 7,
  url: "https://github.com/wafflestudio/gitops/pull/7",
  state,
  headOid,
  labels: [],
  draft: false,
});
const state = (extra: Omit<ProposalState, "branch">): ProposalState => ({ branch: BRANCH, ...extra });

describe("the proposal trailer", () => {
  it("round-trips image, tag and digest, and is absent from other messages", () => {
    const message = `Fix\n\n${proposalTrailer(push46)}\nSigned-off-by: x`;
    expect(readProposalTrailer(message)).toEqual({
      imageRepository: "snutt-prod/snutt-timetable",
      tag: "46",
      digest: push46.digest,
    });
    expect(
      readProposalTrailer("Automated commit by ECR push (snutt-prod/snutt-timetable:46)"),
    ).toBeUndefined();
  });
});

describe("decideProposal", () => {
  it("creates the branch when there is none, and keeps an open pull request to update", () => {
    expect(decideProposal(push46, state({}))).toEqual({ kind: "write" });
    expect(decideProposal(push46, state({ pullRequest: pull("open") }))).toEqual({
      kind: "write",
      pullRequest: pull("open"),
    });
  });

  it("supersedes heimdall's own proposal of another tag in the same pull request", () => {
    expect(decideProposal(push47, state({ head: ours("46"), pullRequest: pull("open") }))).toEqual({
      kind: "write",
      expectedBranchOid: TIP,
      pullRequest: pull("open"),
      proposed: { imageRepository: "snutt-prod/snutt-timetable", tag: "46", digest: push46.digest },
    });
  });

  it("writes nothing for a push already proposed in the open pull request", () => {
    const decision = decideProposal(push46, state({ head: ours("46"), pullRequest: pull("open") }));
    expect(decision).toEqual({
      kind: "unchanged",
      reason: expect.stringContaining("already proposed in pull request #7"),
    });
  });

  it("treats a closed, unmerged pull request as declined for its tag only", () => {
    const closed = state({ head: ours("46"), pullRequest: pull("closed") });
    expect(decideProposal(push46, closed)).toEqual({
      kind: "unchanged",
      reason: expect.stringContaining("closed without merging"),
    });
    expect(decideProposal(push47, closed)).toEqual({ kind: "write", expectedBranchOid: TIP });
  });

  it("starts fresh after a merge, even when someone's commit on the branch was merged with it", () => {
    const human = { oid: TIP, parentCount: 1, message: "fix the probe", signedByBackend: false };
    expect(decideProposal(push47, state({ head: human, pullRequest: pull("merged") }))).toEqual({
      kind: "write",
      expectedBranchOid: TIP,
    });
    // …but not when the branch moved on after the merge.
    const later = decideProposal(push47, state({ head: human, pullRequest: pull("merged", "2".repeat(40)) }));
    expect(later.kind).toBe("blocked");
  });

  it.each([
    [
      "a person's commit on top",
      { oid: TIP, parentCount: 1, message: "fix the probe", signedByBackend: true },
      "no Heimdall-Proposal trailer",
    ],
    ["a merge commit", { ...ours("46"), parentCount: 2 }, "it has 2 parents"],
    [
      "an amended commit GitHub did not sign",
      { ...ours("46"), signedByBackend: false },
      "not signed by GitHub",
    ],
    [
      "another image's proposal",
      { ...ours("46"), message: proposalTrailer(ecrPush("snutt-prod/other", "1")) },
      "names snutt-prod/other",
    ],
  ])("blocks %s, naming the commit, the reason and what to do", (_name, head, why) => {
    const decision = decideProposal(push47, state({ head, pullRequest: pull("open") }));
    expect(decision.kind).toBe("blocked");
    const reason = decision.kind === "blocked" ? decision.reason : "";
    expect(reason).toContain(`branch ${BRANCH} holds commit 1111111`);
    expect(reason).toContain(why);
    expect(reason).toContain("pull request #7 untouched");
  });

  it("blocks a branch git cannot hold next to another heimdall branch", () => {
    const decision = decideProposal(push46, state({ blockedBy: "heimdall/snutt-prod" }));
    expect(decision).toEqual({
      kind: "blocked",
      reason: expect.stringContaining(
        "git cannot hold branch heimdall/snutt-prod/snutt-timetable while branch heimdall/snutt-prod exists",
      ),
    });
  });
});
