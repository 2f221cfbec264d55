import { Token } from "aws-cdk-lib";
import { InvalidEnvironmentError } from "../lambda/runtime/invalid-environment-error.ts";
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
  /**
   * Minutes between scheduled reconciles (repairs pushes whose events were lost or dead-lettered; never undoes
   * a person's rollback or pin); default 60, `0` turns the schedule off. A whole number from 0 to 1440.
   */
  readonly reconcileEvery?: number;
  /** Powertools log level; default `INFO`. */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Email address subscribed to the alarm topic; omitted = alarms without actions (console only). */
  readonly alarmEmail?: string;
  /**
   * Complete ARN of a Secrets Manager secret holding a Slack incoming-webhook URL (AWS-managed key). When set,
   * `updated`, `proposed`, `failed`, `blocked` and `repaired` outcomes are posted to Slack by a small notifier
   * function that reads the secret at run time; omitted = no Slack resources at all.
   */
  readonly slackWebhookSecretArn?: string;
  /** Lambda entry file; default `lambda/handler.ts` in this repository. */
  readonly entry?: string;
  /** The Slack notifier's entry file; default `lambda/notifier.ts` in this repository. */
  readonly notifierEntry?: string;
  /** esbuild's working directory when bundling `entry`; default this repository's root. */
  readonly projectRoot?: string;
}

// ECR names are lowercase letters, digits and `._-/`; a prefix may stop anywhere inside a name.
/** The longest reconcile interval, in minutes: a day. */
export const MAX_RECONCILE_EVERY = 1440;
const REPOSITORY_PREFIX = /^[a-z0-9][a-z0-9._/-]{0,255}$/;
const SECRET_COMPLETE_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

// The props the function reads from its environment, by variable: their one validation is the function's own.
const PROP_OF_VARIABLE: Readonly<Record<string, string>> = {
  GITOPS_REPO: "gitopsRepo",
  GITOPS_BRANCH: "gitopsBranch",
  GITHUB_API_URL: "githubApiUrl",
  GITHUB_APP_SECRET_ARN: "githubAppSecretArn",
};

/**
 * Throws an `Error` naming the invalid props and how to fix them; returns the props unchanged.
 * Runs at synth time so a typo in `-c repositoryPrefixes=…` fails `cdk synth`, not the first push.
 * Unresolved tokens (CloudFormation parameters) are accepted as is.
 *
 * What the function reads from its environment (`gitopsRepo`, `gitopsBranch`, `githubApiUrl`,
 * `githubAppSecretArn`) is checked by the function's own cold-start check, `readLambdaEnvironment`, so the
 * two can never disagree; only what is the construct's alone (prefixes, complete secret ARNs, the alarm
 * e-mail) is checked here.
 *
 * @example
 * checkEcrHeimdallProps({ gitopsRepo: "wafflestudio/snutt-gitops", repositoryPrefixes: ["snutt-dev/"] });
 */
export function checkEcrHeimdallProps(props: EcrHeimdallProps): EcrHeimdallProps {
  const literal = (value: string) => !Token.isUnresolved(value);
  const literalOr = (value: string | undefined, placeholder: string) =>
    value !== undefined && literal(value) ? value : placeholder;
  for (const prefix of props.repositoryPrefixes ?? []) {
    if (literal(prefix) && !REPOSITORY_PREFIX.test(prefix)) {
      throw new Error(
        `repository prefix "${prefix}" is not the start of an ECR repository name (lowercase letters, ` +
          `digits, ".", "_", "-", "/"; no wildcards); pass e.g. -c repositoryPrefixes=snutt-dev/,snutt-prod/`,
      );
    }
  }
  const arn = props.githubAppSecretArn;
  for (const key of ["githubAppSecretArn", "slackWebhookSecretArn"] as const) {
    const value = props[key];
    if (value !== undefined && literal(value) && !SECRET_COMPLETE_ARN.test(value)) {
      throw new Error(
        `${key} "${value}" is not a complete Secrets Manager ARN; copy the ARN ending in ` +
          `"-" and 6 characters from \`aws secretsmanager describe-secret --secret-id <name>\``,
      );
    }
  }
  const every = props.reconcileEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 0 || every > MAX_RECONCILE_EVERY)) {
    throw new Error(
      `reconcileEvery ${JSON.stringify(every)} is not a whole number of minutes from 0 (off) to ${MAX_RECONCILE_EVERY}; pass e.g. -c reconcileEvery=60`,
    );
  }
  const email = props.alarmEmail;
  if (email !== undefined && literal(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`alarmEmail "${email}" is not an email address; pass e.g. -c alarmEmail=ops@example.com`);
  }
  // The function's own cold-start check on the environment the construct will set: whatever it would
  // refuse must fail the deploy, not every push after it. Unresolved tokens stand in as valid placeholders.
  const env: Record<string, string> = {
    GITOPS_REPO: literalOr(props.gitopsRepo, "example-org/gitops"),
    GITHUB_APP_SECRET_ARN: literalOr(
      arn,
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:heimdall-check-AbCdEf",
    ),
  };
  if (props.gitopsBranch !== undefined) env.GITOPS_BRANCH = literalOr(props.gitopsBranch, "main");
  if (props.githubApiUrl !== undefined)
    env.GITHUB_API_URL = literalOr(props.githubApiUrl, "https://github.example.com/api/v3");
  try {
    readLambdaEnvironment(env);
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    const problems = error.problems.map(
      ({ variable, message }) => `${PROP_OF_VARIABLE[variable] ?? variable} (${message})`,
    );
    throw new Error(
      `the function would refuse this configuration at cold start: ${problems.join("; ")}; fix the context key (-c key=value)`,
      { cause: error },
    );
  }
  return props;
}
