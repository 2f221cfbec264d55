import { describe, expect, it } from "vitest";
import { InvalidEnvironmentError } from "../../lambda/runtime/invalid-environment-error.ts";
import { readLambdaEnvironment } from "../../lambda/runtime/read-lambda-environment.ts";

const ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-app-AbCdEf";
const valid = { GITOPS_REPO: "wafflestudio/snutt-gitops", GITHUB_APP_SECRET_ARN: ARN };

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    readLambdaEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as Error).message;
  }
  throw new Error("expected readLambdaEnvironment to throw");
}

describe("readLambdaEnvironment", () => {
  it("applies the defaults for optional variables", () => {
    expect(readLambdaEnvironment(valid)).toEqual({
      gitopsRepo: { owner: "wafflestudio", repo: "snutt-gitops" },
      githubAppSecretArn: ARN,
      githubApiUrl: "https://api.github.com",
      staleEventCheck: true,
    });
  });

  it("reads every optional variable", () => {
    const config = readLambdaEnvironment({
      ...valid,
      GITOPS_BRANCH: "release/prod",
      GITHUB_API_URL: "https://ghe.example.com/api/v3/",
      STALE_EVENT_CHECK: "FALSE",
    });
    expect(config.gitopsBranch).toBe("release/prod");
    expect(config.githubApiUrl).toBe("https://ghe.example.com/api/v3");
    expect(config.staleEventCheck).toBe(false);
  });

  it("treats empty and blank values as unset", () => {
    const config = readLambdaEnvironment({
      ...valid,
      GITOPS_BRANCH: "",
      GITHUB_API_URL: "  ",
      STALE_EVENT_CHECK: "",
    });
    expect(config).not.toHaveProperty("gitopsBranch");
    expect(config.githubApiUrl).toBe("https://api.github.com");
    expect(config.staleEventCheck).toBe(true);
  });

  it("strips a .git suffix from the repository name", () => {
    expect(
      readLambdaEnvironment({ ...valid, GITOPS_REPO: "wafflestudio/snutt-gitops.git" }).gitopsRepo.repo,
    ).toBe("snutt-gitops");
  });

  it("reports every missing required variable at once, saying what to set", () => {
    const message = problemsOf({});
    expect(message).toContain("GITOPS_REPO is not set — set it to the GitOps repository as 'owner/name'");
    expect(message).toContain(
      "GITHUB_APP_SECRET_ARN is not set — set it to the ARN of the Secrets Manager secret",
    );
  });

  it.each([
    ["https://github.com/wafflestudio/snutt-gitops"],
    ["wafflestudio"],
    ["wafflestudio/snutt-gitops/main"],
    ["-bad/snutt-gitops"],
    ["wafflestudio/.."],
  ])("rejects GITOPS_REPO %s", (repo) => {
    expect(problemsOf({ ...valid, GITOPS_REPO: repo })).toContain(
      `GITOPS_REPO '${repo}' is not 'owner/name'`,
    );
  });

  it.each([["main branch"], ["feature..x"], ["-x"], ["x.lock"], ["refs/heads/main"], ["a/"]])(
    "rejects GITOPS_BRANCH %s",
    (branch) => {
      expect(problemsOf({ ...valid, GITOPS_BRANCH: branch })).toContain(
        `GITOPS_BRANCH '${branch}' is not a valid branch name`,
      );
    },
  );

  it("rejects a secret name that is not an ARN", () => {
    expect(problemsOf({ ...valid, GITHUB_APP_SECRET_ARN: "heimdall-app" })).toContain(
      "GITHUB_APP_SECRET_ARN 'heimdall-app' is not a Secrets Manager secret ARN",
    );
  });

  it("accepts ARNs of other partitions", () => {
    const arn = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:heimdall";
    expect(readLambdaEnvironment({ ...valid, GITHUB_APP_SECRET_ARN: arn }).githubAppSecretArn).toBe(arn);
  });

  it("requires https for GITHUB_API_URL except on loopback", () => {
    expect(problemsOf({ ...valid, GITHUB_API_URL: "http://ghe.example.com/api/v3" })).toContain(
      "must use https://",
    );
    expect(readLambdaEnvironment({ ...valid, GITHUB_API_URL: "http://127.0.0.1:8123" }).githubApiUrl).toBe(
      "http://127.0.0.1:8123",
    );
    expect(problemsOf({ ...valid, GITHUB_API_URL: "not a url" })).toContain("GITHUB_API_URL is not a URL");
    expect(problemsOf({ ...valid, GITHUB_API_URL: "https://api.github.com/?x=1" })).toContain(
      "must not have a query",
    );
  });

  it("refuses credentials in GITHUB_API_URL without echoing them", () => {
    const message = problemsOf({ ...valid, GITHUB_API_URL: "https://user:s3cr3t-token@api.github.com" });
    expect(message).toContain("GITHUB_API_URL contains credentials");
    expect(message).not.toContain("s3cr3t-token");
  });

  it("rejects a STALE_EVENT_CHECK that is not a boolean", () => {
    expect(problemsOf({ ...valid, STALE_EVENT_CHECK: "yes" })).toContain(
      "STALE_EVENT_CHECK 'yes' is not 'true' or 'false'",
    );
  });
});
