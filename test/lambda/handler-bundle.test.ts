import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildLambda } from "../../scripts/build.ts";
import { APP_KEYS, KEY_MARKER } from "../support/app-keys.ts";
import { imageConfig, imageManifest } from "../support/blob-server.ts";
import { metricTotal, summaryLines } from "../support/capture-output.ts";
import { APP_ID, GITOPS_NAME, GITOPS_OWNER, INSTALLATION_ID, SECRET_ARN } from "../support/constants.ts";
import { type FakeAwsJsonEndpoint, startFakeAwsJsonEndpoint } from "../support/fake-aws-json-endpoint.ts";
import {
  createGitHubEmulator,
  type GitHubEmulator,
} from "../support/github-emulator/create-github-emulator.ts";
import { type ContainerRun, invokeBundle } from "../support/invoke-bundle.ts";
import { deployment, pushEvent, sqsBatch } from "../support/lambda-events.ts";
import { removeDir } from "../support/temp-git-repo.ts";

const TIMETABLE = "apps/snutt-dev/snutt-timetable/deployment.yaml";

let workDir = "";
let bundle = "";
let aws: FakeAwsJsonEndpoint;
const emulators: GitHubEmulator[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "heimdall-bundle-"));
  bundle = (await buildLambda({ outdir: join(workDir, "dist") })).file;
  aws = await startFakeAwsJsonEndpoint();
});
afterEach(async () => {
  aws.requests.length = 0;
  aws.secrets.clear();
  aws.images.clear();
  aws.manifests.clear();
  aws.blobs.clear();
  aws.events.length = 0;
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});
afterAll(async () => {
  await aws.close();
  await removeDir(workDir);
});

async function gitops(files: Record<string, string>) {
  const gh = await createGitHubEmulator({
    owner: GITOPS_OWNER,
    repo: GITOPS_NAME,
    files,
    appId: APP_ID,
    publicKey: APP_KEYS.publicKey,
    installationId: INSTALLATION_ID,
  });
  emulators.push(gh);
  aws.secrets.set(
    SECRET_ARN,
    JSON.stringify({ appId: APP_ID, privateKey: APP_KEYS.privateKeyPkcs1, installationId: INSTALLATION_ID }),
  );
  const env = {
    GITOPS_REPO: `${GITOPS_OWNER}/${GITOPS_NAME}`,
    GITHUB_APP_SECRET_ARN: SECRET_ARN,
    GITHUB_API_URL: gh.url,
    AWS_REGION: "ap-northeast-2",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_ECR: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const initial = (await gh.commits()).length;
  return { gh, env, newCommits: async () => (await gh.commits()).length - initial };
}

function expectNoSecrets(run: ContainerRun): void {
  expect(run.output).not.toContain(KEY_MARKER);
  expect(run.output).not.toMatch(/ghs_[A-Za-z0-9]{20,}/);
  expect(run.output).not.toContain("wJalrXUtnFEMI");
}

describe("the deployed bundle (scripts/lambda-bundle-options.ts, as npm run build and the CDK asset build it) in fresh node processes", () => {
  it("handles a push, then a warm duplicate, reading the secret once", async () => {
    const { gh, env, newCommits } = await gitops({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    });
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const run = await invokeBundle({
      bundle,
      workDir,
      env,
      name: "single",
      events: [sqsBatch([event]), event],
    });

    expect(run.exitCode).toBe(0);
    expect(run.results).toEqual([
      { ok: { batchItemFailures: [] } },
      { ok: { events: [expect.objectContaining({ outcome: "no-change" })] } },
    ]);
    expect(await gh.readFile(TIMETABLE)).toBe(deployment("snutt-timetable", "snutt-dev/snutt-timetable:46"));
    expect(await newCommits()).toBe(1);
    const [commit] = await gh.commits();
    const [updated, duplicate, ...rest] = summaryLines(run.lines);
    expect(rest).toEqual([]);
    expect(updated).toMatchObject({
      level: "INFO",
      service: "ecr-heimdall",
      function_name: "ecr-heimdall",
      correlation_id: event.id,
      outcome: "updated",
      imageRepository: "snutt-dev/snutt-timetable",
      tag: "46",
      files: [TIMETABLE],
      commitSha: commit?.oid,
      commitUrl: expect.stringContaining(commit?.oid ?? "unreachable"),
      attempts: 1,
      durationMs: expect.any(Number),
    });
    expect(duplicate).toMatchObject({ outcome: "no-change", correlation_id: event.id });
    // Each outcome is announced on the default bus, one Heimdall Update event per incoming event.
    expect(aws.events.map((entry) => [entry.Source, entry.DetailType, entry.EventBusName])).toEqual([
      ["ecr-heimdall", "Heimdall Update", undefined],
      ["ecr-heimdall", "Heimdall Update", undefined],
    ]);
    expect(aws.events.map((entry) => JSON.parse(String(entry.Detail)))).toEqual([
      expect.objectContaining({
        gitopsRepo: "wafflestudio/gitops",
        outcome: "updated",
        eventId: event.id,
        imageRepository: "snutt-dev/snutt-timetable",
        tag: "46",
        previousTags: ["45"],
        files: [TIMETABLE],
        commitSha: commit?.oid,
      }),
      expect.objectContaining({ outcome: "no-change", eventId: event.id }),
    ]);
    expect(metricTotal(run.lines, "Updates")).toBe(1);
    expect(metricTotal(run.lines, "NoChange")).toBe(1);
    expect(metricTotal(run.lines, "PushToCommitLatency")).toBeGreaterThan(0);
    // Each GitOps repository's function keeps its own metric series and tags its log lines.
    const emf = run.lines.filter((line) => "_aws" in line);
    expect(emf.length).toBeGreaterThan(0);
    for (const line of emf) {
      expect(line).toMatchObject({ service: "ecr-heimdall", gitopsRepo: "wafflestudio/gitops" });
      expect(JSON.stringify(line._aws)).toContain('["service","gitopsRepo"]');
    }
    expect(summaryLines(run.lines).every((line) => line.gitopsRepo === "wafflestudio/gitops")).toBe(true);
    const secretReads = aws.requests.filter((request) => request.target === "secretsmanager.GetSecretValue");
    expect(secretReads).toHaveLength(1);
    expect(secretReads[0]?.body).toEqual({ SecretId: SECRET_ARN });
    expect(secretReads[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/ap-northeast-2\/secretsmanager\//,
    );
    expectNoSecrets(run);
  });

  it("asks ECR through AWS_ENDPOINT_URL_ECR and skips an out-of-order push", async () => {
    const { env, newCommits } = await gitops({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:47"),
    });
    aws.images.set("snutt-dev/snutt-timetable:47", new Date("2026-11-20T10:05:00Z"));
    const run = await invokeBundle({
      bundle,
      workDir,
      env,
      name: "stale",
      events: [pushEvent("snutt-dev/snutt-timetable", "46", "2026-11-20T10:00:00Z")],
    });
    expect(summaryLines(run.lines)).toEqual([expect.objectContaining({ outcome: "stale", tag: "46" })]);
    expect(await newCommits()).toBe(0);
    // The pushed tag and the deployed one in one call; ECR does not know 46 here, so each is asked alone.
    const describes = aws.requests.filter((request) => request.target.endsWith("DescribeImages"));
    expect(describes.map((request) => request.body)).toEqual([
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageTag: "46" }, { imageTag: "47" }],
      },
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageTag: "46" }],
      },
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageTag: "47" }],
      },
    ]);
    expect(metricTotal(run.lines, "Stale")).toBe(1);
  });

  it("reads the pushed image's labels from ECR and the blob URL, and links the source commit", async () => {
    const { gh, env } = await gitops({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    });
    const sha = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    const config = imageConfig({
      "org.opencontainers.image.revision": sha,
      "org.opencontainers.image.source": "https://github.com/wafflestudio/snutt-timetable.git",
    });
    const image = imageManifest(config);
    aws.manifests.set(image.digest, { manifest: image.manifest, mediaType: image.mediaType });
    aws.blobs.set(image.configDigest, config);
    const event = pushEvent("snutt-dev/snutt-timetable", "46");
    const pushed = { ...event, detail: { ...(event.detail as object), "image-digest": image.digest } };
    const run = await invokeBundle({ bundle, workDir, env, name: "provenance", events: [pushed] });

    const [commit] = await gh.commits();
    expect(commit?.body).toContain(`Source: https://github.com/wafflestudio/snutt-timetable/commit/${sha}`);
    expect(commit?.body).toMatch(new RegExp(`Image-Digest: ${image.digest}\\nECR-Event-Id: ${event.id}$`));
    expect(summaryLines(run.lines)).toEqual([
      expect.objectContaining({ outcome: "updated", sourceRevision: sha, digest: image.digest }),
    ]);
    const batchGetImage = aws.requests.filter((request) => request.target.endsWith("BatchGetImage"));
    expect(batchGetImage.map((request) => request.body)).toEqual([
      {
        registryId: "405906814034",
        repositoryName: "snutt-dev/snutt-timetable",
        imageIds: [{ imageDigest: image.digest }],
        acceptedMediaTypes: expect.arrayContaining(["application/vnd.oci.image.index.v1+json"]),
      },
    ]);
    expectNoSecrets(run);
  });

  it("lands 20 concurrent invocations for 20 images: none lost, none overwritten, no empty commit", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      files[`apps/team/app-${i}/deployment.yaml`] = deployment(`app-${i}`, `team/app-${i}:1`);
    const { gh, env, newCommits } = await gitops(files);
    let pending = Array.from({ length: 20 }, (_, i) => i);
    const errors: string[] = [];
    // EventBridge retries a failed async invocation; a round here is one such retry, in fresh containers.
    // Twenty writers on one branch conflict a lot (each round lands a few), so this takes a while.
    for (let round = 0; round < 8 && pending.length > 0; round++) {
      const runs = await Promise.all(
        pending.map((i) =>
          invokeBundle({
            bundle,
            workDir,
            env,
            name: `c${round}-${i}`,
            events: [pushEvent(`team/app-${i}`, "2")],
          }),
        ),
      );
      runs.forEach(expectNoSecrets);
      for (const run of runs) {
        const [result] = run.results;
        if (result !== undefined && "error" in result) errors.push(result.error.message);
      }
      pending = pending.filter((_, index) => "error" in (runs[index]?.results[0] ?? { error: true }));
    }
    expect(pending).toEqual([]);
    // The only acceptable failures are losing every race for as long as the invocation's deadline allows
    // rounds, or running out of time on a starved machine: EventBridge's retry then resolves both.
    for (const message of errors) {
      expect(message).toMatch(
        /the branch moved under every one of \d+ commit attempts|no time left|ran out of time|deadline/,
      );
    }
    for (let i = 0; i < 20; i++)
      expect(await gh.readFile(`apps/team/app-${i}/deployment.yaml`)).toContain(`team/app-${i}:2`);
    expect(await newCommits()).toBe(20);
    const headlines = (await gh.commits()).slice(0, 20).map((commit) => commit.headline);
    expect(new Set(headlines).size).toBe(20);
  }, 180_000);

  it("fails the SQS batch with a clear message when the secret is missing, without leaking anything", async () => {
    const { env, newCommits } = await gitops({
      [TIMETABLE]: deployment("snutt-timetable", "snutt-dev/snutt-timetable:45"),
    });
    aws.secrets.set(SECRET_ARN, { error: "AccessDeniedException" });
    const run = await invokeBundle({
      bundle,
      workDir,
      env,
      name: "denied",
      events: [sqsBatch([pushEvent("snutt-dev/snutt-timetable", "46"), "{}"])],
    });
    expect(run.results).toEqual([{ ok: { batchItemFailures: [{ itemIdentifier: "msg-0" }] } }]);
    expect(summaryLines(run.lines)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: "ERROR",
          outcome: "failed",
          reason: `could not read secret '${SECRET_ARN}': AccessDeniedException — grant secretsmanager:GetSecretValue on it to the function role`,
        }),
        expect.objectContaining({ level: "WARN", outcome: "invalid", messageId: "msg-1" }),
      ]),
    );
    expect(metricTotal(run.lines, "Failures")).toBe(1);
    expect(await newCommits()).toBe(0);
    expectNoSecrets(run);
  });

  it("refuses to start with an invalid configuration, naming every variable to fix", async () => {
    const run = await invokeBundle({
      bundle,
      workDir,
      env: { GITHUB_API_URL: "http://github.example.com", AWS_REGION: "ap-northeast-2" },
      name: "misconfigured",
      events: [],
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("GITOPS_REPO is not set");
    expect(run.output).toContain("GITHUB_APP_SECRET_ARN is not set");
    expect(run.output).toContain("GITHUB_API_URL 'http://github.example.com' must use https://");
  });
});
