import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLambda } from "../../scripts/build.ts";

// Runs cdk/app.ts the way the CDK CLI does (CDK_OUTDIR + CDK_CONTEXT_JSON), bundling the real
// lambda/handler.ts, without the CLI's process overhead and without AWS credentials.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const outdirs: string[] = [];

function runApp(context: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), "heimdall-app-"));
  outdirs.push(outdir);
  const result = spawnSync(process.execPath, ["--import", "tsx", "cdk/app.ts"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(context),
    },
  });
  return { ...result, outdir };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
const only = (type: string): Resource => {
  const found = resources.filter((r) => r.Type === type);
  expect(found, `${type} resources`).toHaveLength(1);
  return found[0] as Resource;
};
let synth: ReturnType<typeof runApp>;
let resources: Resource[];

beforeAll(() => {
  synth = runApp({
    gitopsRepo: "wafflestudio/snutt-gitops",
    repositoryPrefixes: "snutt-dev/,snutt-prod/",
    alarmEmail: "ops@example.com",
  });
  const templatePath = join(synth.outdir, "EcrHeimdall.template.json");
  resources = existsSync(templatePath)
    ? Object.values(
        (JSON.parse(readFileSync(templatePath, "utf8")) as { Resources: Record<string, Resource> }).Resources,
      )
    : [];
});

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe("cdk/app.ts", () => {
  it("synthesizes the configured stack offline, cdk-nag included, without failing", () => {
    expect(synth.stderr).not.toMatch(/Error|AwsSolutions-/);
    expect(synth.status).toBe(0);
    const report = JSON.parse(readFileSync(join(synth.outdir, "validation-report.json"), "utf8")) as {
      pluginReports: { pluginName: string; violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it("wires the context into the rule, the function and the alarm subscription", () => {
    const rules = resources.filter((r) => r.Type === "AWS::Events::Rule");
    const pushes = rules.find((rule) => rule.Properties.EventPattern !== undefined);
    expect((pushes?.Properties.EventPattern as { detail: unknown } | undefined)?.detail).toMatchObject({
      "repository-name": [{ prefix: "snutt-dev/" }, { prefix: "snutt-prod/" }],
    });
    // And the reconcile schedule, hourly by default.
    expect(rules).toHaveLength(2);
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toContain("rate(1 hour)");
    expect(only("AWS::Lambda::Function").Properties).toMatchObject({
      Runtime: "nodejs24.x",
      Handler: "index.handler",
      Environment: { Variables: { GITOPS_REPO: "wafflestudio/snutt-gitops" } },
    });
    expect(resources.find((r) => r.Type === "AWS::SNS::Subscription")?.Properties.Endpoint).toBe(
      "ops@example.com",
    );
  });

  it("bundles the real handler as an ESM module that loads in plain Node, with its source map", () => {
    const code = only("AWS::Lambda::Function").Properties.Code as { S3Key: string };
    const bundle = join(synth.outdir, `asset.${code.S3Key.replace(/\.zip$/, "")}`, "index.mjs");
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const load = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(typeof m.handler);`,
      ],
      {
        encoding: "utf8",
        // Module init validates these (cold start); no AWS call happens before the first event.
        env: {
          PATH: process.env.PATH,
          GITOPS_REPO: "wafflestudio/snutt-gitops",
          GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
          AWS_REGION: "ap-northeast-2",
        },
      },
    );
    expect(load.stderr).toBe("");
    expect(load.stdout).toBe("function");
  });

  it("fails fast with an actionable message on a malformed context value", () => {
    const bad = runApp({ gitopsRepo: "snutt-gitops" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain(
      "gitopsRepo (GITOPS_REPO 'snutt-gitops' is not 'owner/name' — e.g. 'wafflestudio/snutt-gitops' (no URL, no branch)); fix the context key (-c key=value)",
    );
  });

  it("deploys byte for byte the bundle `npm run build` writes and the bundle tests run", async () => {
    const code = only("AWS::Lambda::Function").Properties.Code as { S3Key: string };
    const deployed = readFileSync(
      join(synth.outdir, `asset.${code.S3Key.replace(/\.zip$/, "")}`, "index.mjs"),
    );
    const built = await buildLambda({ outdir: join(synth.outdir, "npm-run-build") });
    expect(deployed.equals(readFileSync(built.file))).toBe(true);
  });
});
