import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KEY_MARKER } from "../support/app-keys.ts";
import { captureOutput, metricTotal, summaryLines } from "../support/capture-output.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import {
  closeEmulators,
  ecr,
  resetAws,
  startGitHubScenario as scenario,
  secrets,
} from "../support/github-scenario.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";

beforeEach(resetAws);
afterEach(closeEmulators);

const timetable = () => ({ [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45") });

describe("handler over the GitHub emulator (sources)", () => {
  it("commits a single push as the App and logs the commit sha and URL, never the key or token", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const { lines, raw } = await captureOutput(() => handler(sqsBatch([event])));
    expect(await gh.readFile(TIMETABLE)).toBe(deployment("snutt-timetable", "snutt-dev/snutt-timetable:46"));
    expect(await newCommits()).toBe(1);
    const [commit] = await gh.commits();
    expect(commit?.headline).toBe("Automated commit by ECR push (snutt-dev/snutt-timetable:46)");
    expect(commit?.verified).toBe(true);
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({
        outcome: "updated",
        correlation_id: event.id,
        imageRepository: "snutt-dev/snutt-timetable",
        tag: "46",
        files: [TIMETABLE],
        commitSha: commit?.oid,
        commitUrl: expect.stringContaining(commit?.oid ?? "unreachable"),
        attempts: 1,
      }),
    ]);
    // ECR does not know tag 45 (the mocked DescribeImages answers ImageNotFound): applied, with a warning.
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "manifest warning",
        warning: expect.stringContaining("could not check when snutt-dev/snutt-timetable:45 was pushed"),
      }),
    );
    expect(raw).not.toContain(KEY_MARKER);
    expect(raw).not.toMatch(/ghs_|eyJ[A-Za-z0-9_-]{8,}\./);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("reads the secret once per container and makes no empty commit for a duplicate", async () => {
    const { handler, newCommits } = await scenario(timetable());
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    await captureOutput(() => handler(event));
    const { lines } = await captureOutput(() => handler(event));
    expect(summaryLines(lines).map((line) => line.outcome)).toEqual(["no-change"]);
    expect(await newCommits()).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("edits a CRLF multi-document file byte-exactly", async () => {
    const crlf = `${deployment("api", "snutt-dev/snutt-timetable:45", "\r\n")}---\r\n${deployment("worker", "snutt-dev/snutt-timetable:45", "\r\n")}`;
    const { gh, handler } = await scenario({ "apps/snutt-dev/snutt-timetable/all.yaml": crlf });
    await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(await gh.readFile("apps/snutt-dev/snutt-timetable/all.yaml")).toBe(
      crlf.replaceAll("snutt-timetable:45", "snutt-timetable:46"),
    );
  });

  it("re-applies on the new head when someone commits in between, keeping their change", async () => {
    const { gh, handler, newCommits } = await scenario(timetable());
    gh.faults.beforeMutation(async () => {
      await gh.pushCommit(
        { "apps/snutt-dev/other/deployment.yaml": deployment("other", "snutt-dev/other:9") },
        "someone else",
      );
    });
    const { lines } = await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(await newCommits()).toBe(2);
    expect(await gh.readFile("apps/snutt-dev/other/deployment.yaml")).toContain("snutt-dev/other:9");
    expect(await gh.readFile(TIMETABLE)).toContain("snutt-timetable:46");
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ outcome: "updated", attempts: 2, conflicts: 1 }),
    ]);
    expect(metricTotal(lines, "ConflictRetries")).toBe(1);
  });

  it("commits an SQS batch of 20 images as one commit", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      files[`apps/team/app-${i}/deployment.yaml`] = deployment(`app-${i}`, `team/app-${i}:1`);
    const { gh, handler, newCommits } = await scenario(files);
    const events = Array.from({ length: 20 }, (_, i) => pushEvent(`team/app-${i}`, "2"));
    const { result, lines } = await captureOutput(() => handler(sqsBatch(events)));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await newCommits()).toBe(1);
    for (let i = 0; i < 20; i++)
      expect(await gh.readFile(`apps/team/app-${i}/deployment.yaml`)).toContain(`team/app-${i}:2`);
    expect(summaryLines(lines).filter((line) => line.outcome === "updated")).toHaveLength(20);
    const [commit] = await gh.commits();
    expect(commit?.body).toContain("team/app-19");
  });

  it("ignores a repository no manifest maps to under fallback: none", async () => {
    const { handler, newCommits } = await scenario({
      ...timetable(),
      ".heimdall.yaml":
        "version: 1\nfallback: none\ntargets:\n  - repository: snutt-dev/*\n    paths: [apps/snutt-dev/**]\n",
    });
    const { lines } = await captureOutput(() => handler(pushEvent("unknown-team/api", "1")));
    expect(summaryLines(lines)).toEqual([
      expect.objectContaining({ outcome: "ignored", reason: expect.stringMatching(/^unmapped: /) }),
    ]);
    expect(await newCommits()).toBe(0);
  });

  it("skips an out-of-order event when ECR says the deployed tag was pushed later", async () => {
    const { handler, newCommits } = await scenario({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47"),
    });
    ecr
      .on(DescribeImagesCommand, {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageTag: "47" }],
      })
      .resolves({ imageDetails: [{ imageTags: ["47"], imagePushedAt: new Date("2026-11-20T10:05:00Z") }] });
    const { lines } = await captureOutput(() =>
      handler(pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z")),
    );
    expect(summaryLines(lines)).toEqual([expect.objectContaining({ outcome: "stale", tag: "46" })]);
    expect(await newCommits()).toBe(0);
    expect(ecr.commandCalls(DescribeImagesCommand)[0]?.args[0].input.registryId).toBe(
      SEOUL_REGISTRY.split(".")[0],
    );
  });

  it("does not ask ECR when STALE_EVENT_CHECK=false", async () => {
    const { handler, newCommits } = await scenario(
      { [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47") },
      { STALE_EVENT_CHECK: "false" },
    );
    await captureOutput(() => handler(pushEvent("snutt-dev/snutt-timetable", "46")));
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(0);
    expect(await newCommits()).toBe(1);
  });
});
