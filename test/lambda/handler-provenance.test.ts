import { BatchGetImageCommand, ECRServiceException } from "@aws-sdk/client-ecr";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BlobServer, imageConfig, startBlobServer, storeImage } from "../support/blob-server.ts";
import { captureOutput, summaryLines } from "../support/capture-output.ts";
import {
  closeEmulators,
  ecr,
  resetAws,
  startGitHubScenario as scenario,
} from "../support/github-scenario.ts";
import { deployment, pushEvent } from "../support/lambda-events.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";
const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const COMMIT_URL = `https://github.com/wafflestudio/snutt-timetable/commit/${SHA}`;

let blobs: BlobServer;
beforeAll(async () => {
  blobs = await startBlobServer();
});
beforeEach(resetAws);
afterEach(async () => {
  blobs.blobs.clear();
  await closeEmulators();
});
afterAll(() => blobs.close());

/** The push event ECR sends for `digest` tagged 46. */
function pushOf(digest: string): Record<string, unknown> {
  const event = pushEvent("snutt-dev/snutt-timetable", "46");
  return { ...event, detail: { ...(event.detail as object), "image-digest": digest } };
}

const timetable = () => ({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });

describe("handler over the GitHub emulator (provenance)", () => {
  it("links the source commit in the commit and the summary line, and adds the digest and event trailers", async () => {
    const digest = storeImage(
      ecr,
      blobs,
      imageConfig({
        "org.opencontainers.image.revision": SHA,
        "org.opencontainers.image.source": "https://github.com/wafflestudio/snutt-timetable",
      }),
    );
    const { gh, handler } = await scenario(timetable());
    const event = pushOf(digest);
    const { lines } = await captureOutput(() => handler(event));

    const [commit] = await gh.commits();
    expect(commit?.headline).toBe("Automated commit by ECR push (snutt-dev/snutt-timetable:46)");
    expect(commit?.body).toBe(
      [
        `${TIMETABLE}: spec.template.spec.containers[0].image 45 → 46`,
        "",
        `Source: ${COMMIT_URL}`,
        "",
        `Image-Digest: ${digest}`,
        `ECR-Event-Id: ${String(event.id)}`,
      ].join("\n"),
    );
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "updated",
        digest,
        sourceRevision: SHA,
        sourceRepository: "https://github.com/wafflestudio/snutt-timetable",
        sourceCommitUrl: COMMIT_URL,
      }),
    ]);
    expect(lines.some((line) => line.code === "provenance-unavailable")).toBe(false);
  });

  it("commits without provenance when ECR denies access, and says why in a provenance-unavailable warning", async () => {
    ecr.on(BatchGetImageCommand).rejects(
      new ECRServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "User is not authorized to perform: ecr:BatchGetImage",
      }),
    );
    const { gh, handler, newCommits } = await scenario(timetable());
    const { lines } = await captureOutput(() => handler(pushOf(`sha256:${"ab".repeat(32)}`)));

    expect(await newCommits()).toBe(1);
    const [commit] = await gh.commits();
    expect(commit?.body).not.toContain("Source:");
    expect(commit?.body).toContain(`Image-Digest: sha256:${"ab".repeat(32)}`);
    expect(summaryLines(lines)).toEqual([expect.objectContaining({ outcome: "updated" })]);
    expect(summaryLines(lines)[0]).not.toHaveProperty("sourceCommitUrl");
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        code: "provenance-unavailable",
        file: TIMETABLE,
        warning: expect.stringContaining("ECR denied access (AccessDeniedException)"),
      }),
    );
  });
});
