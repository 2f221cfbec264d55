import { describe, expect, it } from "vitest";
import { DEFAULT_COMMIT_MESSAGE, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { planProposals } from "../../lambda/core/update/plan-proposals.ts";
import { planUpdate } from "../../lambda/core/update/plan-update.ts";
import { readProposalTrailer } from "../../lambda/core/update/proposal-trailer.ts";
import { renderProposal } from "../../lambda/core/update/render-proposal.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush } from "../support/ecr-push.ts";

const image = (repository: string, tag: string) => `image: ${SEOUL_REGISTRY}/${repository}:${tag}\n`;

const shared = (timetable: string, ev: string) =>
  `app:\n  ${image("snutt/timetable", timetable)}sidecar:\n  ${image("snutt/ev", ev)}`;

const CONFIG = parseHeimdallConfig(
  ".heimdall.yaml",
  `version: 1
targets:
  - repository: snutt/*
    paths: ["apps/dev/**"]
  - repository: snutt/*
    paths: ["apps/prod/**"]
    pullRequest: { labels: [deploy] }
  - repository: snutt/timetable
    paths: ["apps/prod/timetable/**"]
    pullRequest: { autoMerge: squash, labels: [prod, deploy] }
`,
);

const FILES = new Map([
  ["apps/dev/timetable/deploy.yaml", image("snutt/timetable", "45")],
  ["apps/prod/timetable/deploy.yaml", image("snutt/timetable", "45")],
  ["apps/prod/shared/values.yaml", shared("45", "3")],
  ["apps/prod/ev/deploy.yaml", image("snutt/ev", "3")],
]);

describe("planning direct commits and proposals", () => {
  it("routes a file a pullRequest target covers to the proposal, the rest to the direct commit", () => {
    const push = ecrPush("snutt/timetable", "46");
    const direct = planUpdate({ pushes: [push], files: FILES, config: CONFIG, route: "direct" });
    expect(direct.files.map((file) => file.path)).toEqual(["apps/dev/timetable/deploy.yaml"]);
    const proposal = planUpdate({ pushes: [push], files: FILES, config: CONFIG, route: "proposal" });
    expect(proposal.files.map((file) => file.path)).toEqual([
      "apps/prod/shared/values.yaml",
      "apps/prod/timetable/deploy.yaml",
    ]);
    // Without a route, every file (as before pull requests existed).
    expect(planUpdate({ pushes: [push], files: FILES, config: CONFIG }).files).toHaveLength(3);
  });

  it("plans one proposal per image on the base it is given, with the covering targets' settings combined", () => {
    const timetable = ecrPush("snutt/timetable", "46");
    const ev = ecrPush("snutt/ev", "4");
    const { proposals } = planProposals({ pushes: [timetable, ev], files: FILES, config: CONFIG });
    expect(proposals.map((p) => [p.branch, p.files.map((f) => f.path), p.settings])).toEqual([
      [
        "heimdall/snutt/timetable",
        ["apps/prod/shared/values.yaml", "apps/prod/timetable/deploy.yaml"],
        { labels: ["deploy", "prod"], draft: false, autoMerge: "squash" },
      ],
      [
        "heimdall/snutt/ev",
        ["apps/prod/ev/deploy.yaml", "apps/prod/shared/values.yaml"],
        { labels: ["deploy"], draft: false },
      ],
    ]);
    // Each image's branch holds only its own change to the shared file.
    const [first, second] = proposals;
    expect(first?.files[0]?.after).toBe(shared("46", "3"));
    expect(second?.files[1]?.after).toBe(shared("45", "4"));
  });

  it("plans nothing for an image whose pull request files already say its tag", () => {
    const { proposals } = planProposals({ pushes: [ecrPush("snutt/ev", "3")], files: FILES, config: CONFIG });
    expect(proposals).toEqual([]);
  });

  it("renders the commit (with its trailer) and the pull request around the changes", () => {
    const push = ecrPush("snutt/timetable", "46");
    const [proposal] = planProposals({ pushes: [push], files: FILES, config: CONFIG }).proposals;
    const rendered = renderProposal({
      template: DEFAULT_COMMIT_MESSAGE,
      push,
      changes: proposal?.changes ?? [],
    });
    expect(rendered.headline).toBe("Automated commit by ECR push (snutt/timetable:46)");
    expect(rendered.title).toBe(rendered.headline);
    expect(rendered.body).toBe(
      [
        "apps/prod/shared/values.yaml: app.image 45 → 46",
        "apps/prod/timetable/deploy.yaml: image 45 → 46",
        "",
        `Image-Digest: ${push.digest}`,
        `ECR-Event-Id: ${push.eventId}`,
        `Heimdall-Proposal: snutt/timetable:46@${push.digest}`,
      ].join("\n"),
    );
    expect(readProposalTrailer(rendered.body)?.tag).toBe("46");
    expect(rendered.description).toContain(push.digest);
    expect(rendered.description).toContain("apps/prod/timetable/deploy.yaml: image 45 → 46");
    expect(rendered.description).toContain("heimdall rebuilds `heimdall/snutt/timetable`");
  });
});
