import { Token } from "aws-cdk-lib";
import { readLambdaEnvironment } from "../lambda/runtime/read-lambda-environment.ts";

/**
 * Everything one heimdall instance needs: one GitOps repository, the ECR repositories that feed it,
 * and where to send alarms. Several GitOps repositories means several `EcrHeimdall` instances.
 */
export interface EcrHeimdallProps {
  /** The GitOps repository as `owner/name`, e.g. `wafflestudio/snutt-gitops`. */
  readonly gitopsRepo: string;
  /** Branch to commit to; omitted means the repository's default branch (decided by the function). */
  readonly gitopsBranch?: string;
  /** GitHub API base URL for GitHub Enterprise Server, e.g. `https://github.example.com/api/v3`. */
  readonly githubApiUrl?: string;
  /**
   * ECR repository-name prefixes that feed this GitOps repository, e.g. `["snutt-dev/", "snutt-prod/"]`.
   * They narrow both the EventBridge rule and the `ecr:DescribeImages` grant. Empty = every repository.
   */
  readonly repositoryPrefixes?: readonly string[];
  /**
   * Complete ARN (with the 6-character suffix) of an existing Secrets Manager secret holding
   * `{"appId","privateKey","installationId"}`. Omitted = the construct creates an empty-of-key secret.
   * The secret must use the AWS-managed key: the function gets no `kms:Decrypt`.
   */
  readonly githubAppSecretArn?: string;
  /** Out-of-order protection through `ecr:DescribeImages`; default `true`. */
  readonly staleEventCheck?: boolean;
  /** Powertools log level; default `INFO`. */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Email address subscribed to the alarm topic; omitted = alarms without actions (console only). */
  readonly alarmEmail?: string;
  /** Lambda entry file; default `lambda/handler.ts` in this repository. Must lie under `projectRoot`. */
  readonly entry?: string;
  /** Directory holding `package-lock.json` that esbuild bundles from; default this repository's root. */
  readonly projectRoot?: string;
}

const GITOPS_REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
// ECR names are lowercase letters, digits and `._-/`; a prefix may stop anywhere inside a name.
const REPOSITORY_PREFIX = /^[a-z0-9][a-z0-9._/-]{0,255}$/;
const SECRET_COMPLETE_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

/**
 * Throws an `Error` naming the first invalid prop and how to fix it; returns the props unchanged.
 * Runs at synth time so a typo in `-c repositoryPrefixes=…` fails `cdk synth`, not the first push.
 * Unresolved tokens (CloudFormation parameters) are accepted as is.
 *
 * @example
 * checkEcrHeimdallProps({ gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: ["snutt-dev/"] });
 */
export function checkEcrHeimdallProps(props: EcrHeimdallProps): EcrHeimdallProps {
  const literal = (value: string) => !Token.isUnresolved(value);
  if (literal(props.gitopsRepo) && !GITOPS_REPO.test(props.gitopsRepo)) {
    throw new Error(
      `gitopsRepo "${props.gitopsRepo}" is not "owner/name"; pass e.g. -c gitopsRepo=wafflestudio/snutt-gitops`,
    );
  }
  for (const prefix of props.repositoryPrefixes ?? []) {
    if (literal(prefix) && !REPOSITORY_PREFIX.test(prefix)) {
      throw new Error(
        `repository prefix "${prefix}" is not the start of an ECR repository name (lowercase letters, ` +
          `digits, ".", "_", "-", "/"; no wildcards); pass e.g. -c repositoryPrefixes=snutt-dev/,snutt-prod/`,
      );
    }
  }
  const url = props.githubApiUrl;
  if (url !== undefined && literal(url) && !/^https:\/\/[^\s/]+(?:\/\S*)?$/.test(url)) {
    throw new Error(`githubApiUrl "${url}" is not an https URL; pass e.g. https://github.example.com/api/v3`);
  }
  const arn = props.githubAppSecretArn;
  if (arn !== undefined && literal(arn) && !SECRET_COMPLETE_ARN.test(arn)) {
    throw new Error(
      `githubAppSecretArn "${arn}" is not a complete Secrets Manager ARN; copy the ARN ending in ` +
        `"-" and 6 characters from \`aws secretsmanager describe-secret --secret-id <name>\``,
    );
  }
  const email = props.alarmEmail;
  if (email !== undefined && literal(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`alarmEmail "${email}" is not an email address; pass e.g. -c alarmEmail=ops@example.com`);
  }
  const branch = props.gitopsBranch;
  if (branch !== undefined && literal(branch) && (branch === "" || /[\s~^:?*[\\]/.test(branch))) {
    throw new Error(`gitopsBranch "${branch}" is not a valid branch name; pass e.g. -c gitopsBranch=main`);
  }
  // Last, the function's own cold-start check on the environment the construct will set: whatever it would
  // refuse must fail the deploy, not every push after it.
  const placeholderArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:heimdall-check-AbCdEf";
  const env: Record<string, string> = {
    GITOPS_REPO: props.gitopsRepo,
    GITHUB_APP_SECRET_ARN: arn !== undefined && literal(arn) ? arn : placeholderArn,
  };
  if (branch !== undefined) env.GITOPS_BRANCH = branch;
  if (url !== undefined) env.GITHUB_API_URL = url;
  if (Object.values(env).every(literal)) {
    try {
      readLambdaEnvironment(env);
    } catch (error) {
      throw new Error(
        `the function would refuse this configuration at cold start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return props;
}
