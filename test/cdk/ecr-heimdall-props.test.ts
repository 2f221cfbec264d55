import { Token } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { checkEcrHeimdallProps, type EcrHeimdallProps } from "../../cdk/ecr-heimdall-props.ts";

const valid: EcrHeimdallProps = {
  gitopsRepo: "wafflestudio/snutt-gitops",
  gitopsBranch: "main",
  githubApiUrl: "https://github.example.com/api/v3",
  repositoryPrefixes: ["snutt-dev/", "snutt-prod/", "snutt-dev/snutt-timetable"],
  githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall/app-AbCdEf",
  alarmEmail: "ops@example.com",
};

describe("checkEcrHeimdallProps", () => {
  it("returns valid props unchanged", () => {
    expect(checkEcrHeimdallProps(valid)).toBe(valid);
    expect(checkEcrHeimdallProps({ gitopsRepo: "a/b" })).toEqual({ gitopsRepo: "a/b" });
  });

  it.each([
    [{ gitopsRepo: "snutt-gitops" }, /gitopsRepo "snutt-gitops" is not "owner\/name"/],
    [{ gitopsRepo: "a/b/c" }, /gitopsRepo/],
    [{ repositoryPrefixes: ["snutt-dev/*"] }, /repository prefix "snutt-dev\/\*".*no wildcards/],
    [{ repositoryPrefixes: ["Snutt/"] }, /repository prefix "Snutt\/"/],
    [{ repositoryPrefixes: [""] }, /repository prefix ""/],
    [{ githubApiUrl: "http://github.example.com/api/v3" }, /githubApiUrl .* is not an https URL/],
    [
      { githubAppSecretArn: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall" },
      /not a complete Secrets Manager ARN.*describe-secret/,
    ],
    [{ alarmEmail: "ops" }, /alarmEmail "ops" is not an email address/],
    [{ gitopsBranch: "main branch" }, /gitopsBranch "main branch" is not a valid branch name/],
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

  it("accepts unresolved tokens (CloudFormation parameters) as they are", () => {
    const token = Token.asString({ Ref: "SomeParameter" });
    expect(() => checkEcrHeimdallProps({ gitopsRepo: token, repositoryPrefixes: [token] })).not.toThrow();
  });
});
