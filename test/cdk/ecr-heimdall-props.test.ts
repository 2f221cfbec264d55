import { Token } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { checkEcrHeimdallProps, type EcrHeimdallProps } from "../../cdk/ecr-heimdall-props.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";

const valid: EcrHeimdallProps = {
  gitopsRepo: "wafflestudio/snutt-gitops",
  gitopsBranch: "main",
  githubApiUrl: "https://github.example.com/api/v3",
  repositoryPrefixes: ["snutt-dev/", "snutt-prod/", "snutt-dev/snutt-timetable"],
  githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/app-AbCdEf",
  alarmEmail: "ops@example.com",
  slackWebhookSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/slack-XyZ123",
};

describe("checkEcrHeimdallProps", () => {
  it("returns valid props unchanged", () => {
    expect(checkEcrHeimdallProps(valid)).toBe(valid);
    expect(checkEcrHeimdallProps({ gitopsRepo: "a/b" })).toEqual({ gitopsRepo: "a/b" });
  });

  it.each([
    [{ gitopsRepo: "snutt-gitops" }, /gitopsRepo \(GITOPS_REPO 'snutt-gitops' is not 'owner\/name'/],
    [{ gitopsRepo: "a/b/c" }, /gitopsRepo \(GITOPS_REPO 'a\/b\/c'/],
    [{ gitopsRepo: "a--b/gitops" }, /gitopsRepo \(GITOPS_REPO 'a--b\/gitops' is not 'owner\/name'/],
    [{ repositoryPrefixes: ["snutt-dev/*"] }, /repository prefix "snutt-dev\/\*".*no wildcards/],
    [{ repositoryPrefixes: ["Snutt/"] }, /repository prefix "Snutt\/"/],
    [{ repositoryPrefixes: [""] }, /repository prefix ""/],
    [
      { githubApiUrl: "http://github.example.com/api/v3" },
      /githubApiUrl \(GITHUB_API_URL .* must use https:\/\//,
    ],
    [
      { githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall" },
      /not a complete Secrets Manager ARN.*describe-secret/,
    ],
    [
      { slackWebhookSecretArn: "https://hooks.slack.com/services/T000/B000/XXXX" },
      /slackWebhookSecretArn "https:\/\/hooks.slack.com\/services\/T000\/B000\/XXXX" is not a complete Secrets Manager ARN/,
    ],
    [{ alarmEmail: "ops" }, /alarmEmail "ops" is not an email address/],
    [
      { gitopsBranch: "main branch" },
      /gitopsBranch \(GITOPS_BRANCH 'main branch' is not a valid branch name/,
    ],
  ] as const)("refuses %j with a message saying what to pass", (patch, message) => {
    expect(() => checkEcrHeimdallProps({ ...valid, ...patch } as EcrHeimdallProps)).toThrow(message);
  });

  it.each([
    { gitopsBranch: "refs/heads/main" },
    { gitopsBranch: "main.lock" },
    { githubApiUrl: "https://ghe.example.com/api/v3?x=1" },
    { gitopsRepo: "ab-/gitops" },
  ])("refuses %j, which the function would refuse at cold start", (patch) => {
    expect(() => checkEcrHeimdallProps({ ...valid, ...patch })).toThrow(
      /the function would refuse this configuration at cold start: /,
    );
  });

  it("agrees with the function's cold-start check on every owner, because it is that check", () => {
    for (const gitopsRepo of ["a--b/gitops", "-ab/gitops", "ab-/gitops", `${"a".repeat(40)}/gitops`]) {
      expect(() =>
        readLambdaEnvironment({ GITOPS_REPO: gitopsRepo, GITHUB_APP_SECRET_ARN: valid.githubAppSecretArn }),
      ).toThrow();
      expect(() => checkEcrHeimdallProps({ ...valid, gitopsRepo })).toThrow(/gitopsRepo \(GITOPS_REPO/);
    }
    for (const gitopsRepo of ["a-b/gitops", "wafflestudio/snutt-gitops.git", `${"a".repeat(39)}/gitops`]) {
      expect(() => checkEcrHeimdallProps({ ...valid, gitopsRepo })).not.toThrow();
    }
  });

  it("checks literal values even when another prop is an unresolved token", () => {
    const token = Token.asString({ Ref: "SomeParameter" });
    expect(() => checkEcrHeimdallProps({ gitopsRepo: token, gitopsBranch: "main branch" })).toThrow(
      /gitopsBranch/,
    );
  });

  it("accepts unresolved tokens (CloudFormation parameters) as they are", () => {
    const token = Token.asString({ Ref: "SomeParameter" });
    expect(() => checkEcrHeimdallProps({ gitopsRepo: token, repositoryPrefixes: [token] })).not.toThrow();
  });
});
