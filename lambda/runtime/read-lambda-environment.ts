import { type EnvironmentProblem, InvalidEnvironmentError } from "./invalid-environment-error.ts";

/** The Lambda's settings, read from its environment once per container. */
export interface LambdaSettings {
  /** The GitOps repository heimdall commits to (`GITOPS_REPO=owner/name`). */
  readonly gitopsRepo: { readonly owner: string; readonly repo: string };
  /** Branch to commit to (`GITOPS_BRANCH`); absent = the repository's default branch. */
  readonly gitopsBranch?: string;
  /** Secrets Manager ARN of the GitHub App credentials (`GITHUB_APP_SECRET_ARN`). */
  readonly githubAppSecretArn: string;
  /** REST API base URL without a trailing slash (`GITHUB_API_URL`, default `https://api.github.com`). */
  readonly githubApiUrl: string;
  /** Ask ECR when the deployed tag was pushed, to skip out-of-order events (`STALE_EVENT_CHECK`, default true). */
  readonly staleEventCheck: boolean;
}

/** GitHub.com's REST base URL; GraphQL lives at `${base}/graphql`. */
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

// GitHub's own limits: owners are alphanumerics and single hyphens (≤ 39), names [A-Za-z0-9._-] (≤ 100).
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:secret:.+$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Reads and validates the Lambda's environment. Pure: pass `process.env` (or a test's object).
 *
 * Every problem is reported at once, each naming the variable and what to set it to, so a broken
 * deployment fails at cold start with one actionable message instead of on the first event.
 * AWS endpoints are deliberately not configured here: the SDK's own `AWS_ENDPOINT_URL_*` variables apply.
 *
 * `GITHUB_API_URL` must be `https://`; plain `http://` is accepted only for a loopback host (local
 * emulators), because the installation token travels in every request.
 *
 * @throws InvalidEnvironmentError listing every invalid or missing variable.
 * @example
 * const config = readLambdaEnvironment({ GITOPS_REPO: "wafflestudio/snutt-gitops", GITHUB_APP_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-app-AbCdEf" });
 * config.githubApiUrl; // "https://api.github.com"
 * config.staleEventCheck; // true
 */
export function readLambdaEnvironment(env: Readonly<Record<string, string | undefined>>): LambdaSettings {
  const problems = new ProblemList();
  const value = (name: string): string | undefined => {
    const text = env[name]?.trim();
    return text === undefined || text === "" ? undefined : text;
  };

  const gitopsRepo = parseRepo(value("GITOPS_REPO"), problems);
  const gitopsBranch = value("GITOPS_BRANCH");
  if (gitopsBranch !== undefined && !isValidBranch(gitopsBranch)) {
    problems.add(
      "GITOPS_BRANCH",
      `GITOPS_BRANCH '${gitopsBranch}' is not a valid branch name — set it to a branch such as 'main', or unset it to use the repository's default branch`,
    );
  }
  const githubAppSecretArn = value("GITHUB_APP_SECRET_ARN");
  if (githubAppSecretArn === undefined) {
    problems.add(
      "GITHUB_APP_SECRET_ARN",
      "GITHUB_APP_SECRET_ARN is not set — set it to the ARN of the Secrets Manager secret holding the GitHub App's appId and privateKey",
    );
  } else if (!SECRET_ARN.test(githubAppSecretArn)) {
    problems.add(
      "GITHUB_APP_SECRET_ARN",
      `GITHUB_APP_SECRET_ARN '${githubAppSecretArn}' is not a Secrets Manager secret ARN — expected arn:aws:secretsmanager:<region>:<account>:secret:<name>`,
    );
  }
  const githubApiUrl = parseApiUrl(value("GITHUB_API_URL"), problems);
  const staleEventCheck = parseBoolean("STALE_EVENT_CHECK", value("STALE_EVENT_CHECK"), true, problems);

  if (problems.length > 0 || gitopsRepo === undefined || githubAppSecretArn === undefined) {
    throw new InvalidEnvironmentError(problems.list);
  }
  return {
    gitopsRepo,
    ...(gitopsBranch === undefined ? {} : { gitopsBranch }),
    githubAppSecretArn,
    githubApiUrl,
    staleEventCheck,
  };
}

function parseRepo(
  text: string | undefined,
  problems: ProblemList,
): LambdaSettings["gitopsRepo"] | undefined {
  if (text === undefined) {
    problems.add(
      "GITOPS_REPO",
      "GITOPS_REPO is not set — set it to the GitOps repository as 'owner/name', e.g. 'wafflestudio/snutt-gitops'",
    );
    return undefined;
  }
  const [owner = "", repo = "", ...rest] = text.split("/");
  const name = repo.endsWith(".git") ? repo.slice(0, -4) : repo;
  if (rest.length > 0 || !OWNER.test(owner) || !NAME.test(name) || name === "." || name === "..") {
    problems.add(
      "GITOPS_REPO",
      `GITOPS_REPO '${text}' is not 'owner/name' — e.g. 'wafflestudio/snutt-gitops' (no URL, no branch)`,
    );
    return undefined;
  }
  return { owner, repo: name };
}

/** The subset of git's ref-name rules that a mistyped value actually hits. */
function isValidBranch(branch: string): boolean {
  return (
    !/[\s~^:?*[\\]/.test(branch) &&
    ![...branch].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) &&
    !branch.includes("..") &&
    !branch.includes("@{") &&
    !branch.includes("//") &&
    !branch.startsWith("-") &&
    !branch.startsWith("/") &&
    !branch.startsWith("refs/") &&
    !branch.endsWith("/") &&
    !branch.endsWith(".") &&
    !branch.endsWith(".lock")
  );
}

function parseApiUrl(text: string | undefined, problems: ProblemList): string {
  if (text === undefined) return DEFAULT_GITHUB_API_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.add(
      "GITHUB_API_URL",
      `GITHUB_API_URL is not a URL — set it to e.g. '${DEFAULT_GITHUB_API_URL}' or 'https://github.example.com/api/v3'`,
    );
    return DEFAULT_GITHUB_API_URL;
  }
  // The URL is echoed in messages below, so refuse credentials before anything prints it.
  if (url.username !== "" || url.password !== "") {
    problems.add(
      "GITHUB_API_URL",
      "GITHUB_API_URL contains credentials — remove them; heimdall authenticates as the GitHub App",
    );
    return DEFAULT_GITHUB_API_URL;
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    problems.add(
      "GITHUB_API_URL",
      `GITHUB_API_URL '${text}' must use https:// (http:// is allowed only for 127.0.0.1/localhost) — tokens are sent with every request`,
    );
  } else if (url.search !== "" || url.hash !== "") {
    problems.add(
      "GITHUB_API_URL",
      `GITHUB_API_URL '${text}' must not have a query or fragment — set only the API base URL`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function parseBoolean(
  name: string,
  text: string | undefined,
  fallback: boolean,
  problems: ProblemList,
): boolean {
  if (text === undefined) return fallback;
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  problems.add(
    name,
    `${name} '${text}' is not 'true' or 'false' — set one of those, or unset it for the default (${fallback})`,
  );
  return fallback;
}

class ProblemList {
  readonly list: EnvironmentProblem[] = [];
  get length(): number {
    return this.list.length;
  }
  add(variable: string, message: string): void {
    this.list.push({ variable, message });
  }
}
