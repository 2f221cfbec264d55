import { describe, expect, it } from "vitest";
import { PLACEHOLDER_GITOPS_REPO, readCdkContext } from "../../cdk/read-cdk-context.ts";

const from = (context: Record<string, unknown>) => readCdkContext((key) => context[key]);

describe("readCdkContext", () => {
  it("falls back to a flagged placeholder when nothing is configured, so synth works offline", () => {
    expect(from({})).toEqual({
      stackName: "EcrHeimdall",
      instances: [{ gitopsRepo: PLACEHOLDER_GITOPS_REPO }],
      placeholder: true,
    });
  });

  it("reads one instance from -c strings", () => {
    expect(
      from({
        gitopsRepo: "wafflestudio/snutt-gitops",
        gitopsBranch: "main",
        githubApiUrl: "https://github.example.com/api/v3",
        githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
        repositoryPrefixes: "snutt-dev/, snutt-prod/,",
        alarmEmail: "ops@example.com",
        slackWebhookSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:slack-AbCdEf",
        logLevel: "DEBUG",
        staleEventCheck: "false",
        stackName: "Heimdall-Snutt",
      }),
    ).toEqual({
      stackName: "Heimdall-Snutt",
      placeholder: false,
      instances: [
        {
          gitopsRepo: "wafflestudio/snutt-gitops",
          gitopsBranch: "main",
          githubApiUrl: "https://github.example.com/api/v3",
          githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-AbCdEf",
          repositoryPrefixes: ["snutt-dev/", "snutt-prod/"],
          alarmEmail: "ops@example.com",
          slackWebhookSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:slack-AbCdEf",
          logLevel: "DEBUG",
          staleEventCheck: false,
        },
      ],
    });
  });

  it("accepts cdk.json's native JSON values (arrays, booleans)", () => {
    expect(
      from({ gitopsRepo: "a/b", repositoryPrefixes: ["x/", "y/"], staleEventCheck: true }).instances,
    ).toEqual([{ gitopsRepo: "a/b", repositoryPrefixes: ["x/", "y/"], staleEventCheck: true }]);
    expect(
      from({ gitopsRepo: "a/b", repositoryPrefixes: '["x/"]' }).instances[0]?.repositoryPrefixes,
    ).toEqual(["x/"]);
  });

  it("reads several instances, with top-level keys as defaults each instance can override", () => {
    const context = from({
      alarmEmail: "ops@example.com",
      gitopsBranch: "main",
      instances: JSON.stringify([
        { gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: ["snutt-dev/"] },
        { gitopsRepo: "wafflestudio/other-gitops", repositoryPrefixes: "other/", gitopsBranch: "deploy" },
      ]),
    });
    expect(context).toEqual({
      stackName: "EcrHeimdall",
      placeholder: false,
      instances: [
        {
          gitopsRepo: "wafflestudio/snutt-gitops",
          repositoryPrefixes: ["snutt-dev/"],
          alarmEmail: "ops@example.com",
          gitopsBranch: "main",
        },
        {
          gitopsRepo: "wafflestudio/other-gitops",
          repositoryPrefixes: ["other/"],
          alarmEmail: "ops@example.com",
          gitopsBranch: "deploy",
        },
      ],
    });
  });

  it.each([
    [{ instances: "[{" }, /context "instances" is not valid JSON/],
    [{ instances: "[]" }, /non-empty JSON array/],
    [{ instances: [{ repositoryPrefixes: ["x/"] }] }, /context "instances\[0\].gitopsRepo" is missing/],
    [{ instances: ["a/b"] }, /context "instances\[0\]" must be an object/],
    [{ gitopsRepo: "a/b", staleEventCheck: "yes" }, /context "staleEventCheck" must be true or false/],
    [{ gitopsRepo: "a/b", logLevel: "TRACE" }, /use one of DEBUG, INFO, WARN, ERROR/],
    [{ gitopsRepo: "a/b", repositoryPrefixes: [1] }, /context "repositoryPrefixes" must be/],
    [{ gitopsRepo: 42 }, /context "gitopsRepo" must be a string/],
  ] as const)("refuses %j naming the key and the expected form", (context, message) => {
    expect(() => from(context)).toThrow(message);
  });
});
