import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { GitOpsRepository } from "../../lambda/core/update/gitops-repository.ts";
import type {
  ImageProvenanceReader,
  ProvenanceAnswer,
} from "../../lambda/core/update/image-provenance-reader.ts";
import { updateManifests } from "../../lambda/core/update/update-manifests.ts";
import { createLocalGitOps } from "../../lambda/local/create-local-gitops.ts";
import { runGit } from "../../lambda/local/run-git.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush as push } from "../support/ecr-push.ts";
import { createGitRepoWith, removeDir } from "../support/temp-git-repo.ts";

const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const LABELS: ProvenanceAnswer = {
  kind: "known",
  provenance: { revision: SHA, source: "https://github.com/wafflestudio/snutt-timetable" },
};
const repos: string[] = [];
afterAll(async () => {
  await Promise.all(repos.map(removeDir));
});

function deployment(image: string): string {
  return `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: ${SEOUL_REGISTRY}/${image}\n`;
}

async function gitops(files: Record<string, string>): Promise<string> {
  const dir = await createGitRepoWith(files);
  repos.push(dir);
  return dir;
}

/** A provenance port answering from a table, keeping every question it was asked. */
function tableReader(answers: Record<string, ProvenanceAnswer | Error>): ImageProvenanceReader & {
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    async provenanceOf(image) {
      asked.push(`${image.imageRepository}@${image.digest}`);
      const answer = answers[image.imageRepository] ?? { kind: "unknown", reason: "no such image" };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const FILE = "apps/snutt-dev/snutt-timetable/deploy.yaml";

describe("updateManifests with a provenance reader", () => {
  it("writes the source link and trailers into the commit and reports the labels per image", async () => {
    const dir = await gitops({ [FILE]: deployment("snutt-dev/snutt-timetable:45") });
    const pushed = push("snutt-dev/snutt-timetable", "46");
    const reader = tableReader({ "snutt-dev/snutt-timetable": LABELS });
    const report = await updateManifests({
      pushes: [pushed],
      gitops: createLocalGitOps({ dir }),
      provenance: reader,
    });

    expect(report.outcome).toBe("updated");
    expect(report.warnings).toEqual([]);
    expect(report.images[0]?.provenance).toEqual(LABELS.kind === "known" ? LABELS.provenance : undefined);
    expect(await runGit(dir, ["log", "-1", "--format=%B"])).toBe(
      [
        "Automated commit by ECR push (snutt-dev/snutt-timetable:46)",
        "",
        `${FILE}: spec.template.spec.containers[0].image 45 → 46`,
        "",
        `Source: https://github.com/wafflestudio/snutt-timetable/commit/${SHA}`,
        "",
        `Image-Digest: ${pushed.digest}`,
        `ECR-Event-Id: ${pushed.eventId}`,
        "",
        "",
      ].join("\n"),
    );
    // git itself reads the last paragraph as trailers.
    expect(await runGit(dir, ["log", "-1", "--format=%(trailers:key=Image-Digest,valueonly)"])).toBe(
      `${pushed.digest}\n\n`,
    );
  });

  it("asks nothing for a duplicate event or an image that changes nothing", async () => {
    const dir = await gitops({ [FILE]: deployment("snutt-dev/snutt-timetable:46") });
    const reader = tableReader({ "snutt-dev/snutt-timetable": LABELS });
    const report = await updateManifests({
      pushes: [push("snutt-dev/snutt-timetable", "46")],
      gitops: createLocalGitOps({ dir }),
      provenance: reader,
    });
    expect(report.outcome).toBe("no-change");
    expect(reader.asked).toEqual([]);
  });

  it("asks once per image even when the branch moved and the commit is made again", async () => {
    const dir = await gitops({ [FILE]: deployment("snutt-dev/snutt-timetable:45") });
    const inner = createLocalGitOps({ dir });
    let raced = false;
    const racing: GitOpsRepository = {
      read: (request) => inner.read(request),
      async commit(request) {
        if (!raced) {
          raced = true;
          await writeFile(join(dir, "other.yaml"), "x: 1\n");
          await runGit(dir, ["add", "--all"]);
          await runGit(dir, ["commit", "--quiet", "-m", "someone else"]);
        }
        return inner.commit(request);
      },
      propose: (request) => inner.propose(request),
    };
    const reader = tableReader({ "snutt-dev/snutt-timetable": LABELS });
    const report = await updateManifests({
      pushes: [push("snutt-dev/snutt-timetable", "46")],
      gitops: racing,
      provenance: reader,
      sleep: async () => {},
    });
    expect(report.attempts).toBe(2);
    expect(reader.asked).toHaveLength(1);
  });

  it.each([
    [
      "the reader cannot tell",
      { kind: "unknown", reason: "BatchGetImage failed: AccessDeniedException" } as const,
      "no source link for snutt-dev/snutt-timetable:46 (BatchGetImage failed: AccessDeniedException); committed without it",
    ],
    [
      "the reader throws",
      new Error("socket hang up"),
      "no source link for snutt-dev/snutt-timetable:46 (the provenance lookup failed: socket hang up); committed without it",
    ],
    [
      "the image has only a revision",
      { kind: "known", provenance: { revision: SHA } } as const,
      "no source link for snutt-dev/snutt-timetable:46 (the image has no org.opencontainers.image.source label); committed without it",
    ],
    [
      "the image has no labels",
      { kind: "known", provenance: {} } as const,
      "no source link for snutt-dev/snutt-timetable:46 (the image has no org.opencontainers.image.revision or org.opencontainers.image.source label); committed without it",
    ],
  ])("commits anyway and warns provenance-unavailable when %s", async (_name, answer, message) => {
    const dir = await gitops({ [FILE]: deployment("snutt-dev/snutt-timetable:45") });
    const report = await updateManifests({
      pushes: [push("snutt-dev/snutt-timetable", "46")],
      gitops: createLocalGitOps({ dir }),
      provenance: tableReader({ "snutt-dev/snutt-timetable": answer }),
    });
    expect(report.outcome).toBe("updated");
    expect(report.warnings).toEqual([{ code: "provenance-unavailable", file: FILE, message }]);
    const body = await runGit(dir, ["log", "-1", "--format=%b"]);
    expect(body).toContain("Image-Digest: sha256:");
    expect(body.includes(`Source: https://github.com`)).toBe(false);
  });
});
