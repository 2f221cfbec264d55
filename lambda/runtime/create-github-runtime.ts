import type { Logger } from "@aws-lambda-powertools/logger";
import { createEcrImageCatalog } from "../aws/create-ecr-image-catalog.ts";
import { createEcrProvenanceReader } from "../aws/create-ecr-provenance-reader.ts";
import { createEcrPushClock } from "../aws/create-ecr-push-clock.ts";
import { type GitHubAppSecret, readGitHubAppSecret } from "../aws/read-github-app-secret.ts";
import {
  type GitOpsRepository,
  type ImageCatalog,
  type ImageProvenanceReader,
  type ImagePushClock,
  type Memoized,
  memoizeUntilSuccess,
  type ReferenceHistory,
} from "../core/index.ts";
import { createGitHubAppOctokit, type GitHubAppOctokitOptions } from "../github/create-github-app-octokit.ts";
import { createGitHubGitOps } from "../github/create-github-gitops.ts";
import type { LambdaSettings } from "./read-lambda-environment.ts";
import { redactSecrets } from "./redact-secrets.ts";

/** The adapters one container uses for every invocation. */
export interface GitHubRuntime {
  readonly gitops: GitOpsRepository;
  readonly clock?: ImagePushClock;
  /** Source labels of pushed images, for the commit message. */
  readonly provenance: ImageProvenanceReader;
  /** For reconcile requests: the GitOps repository's line history (GitHub blame) and ECR's tagged images. */
  readonly reconcile: { readonly history: ReferenceHistory; readonly catalog: ImageCatalog };
}

/** Injectable IO for {@link createGitHubRuntime}; production uses the defaults. */
export interface GitHubRuntimeOptions {
  /** Where Octokit's warnings (rate limits, retries) go, redacted. */
  readonly logger: Logger;
  /** Secret reader; Secrets Manager by default. */
  readonly readSecret?: (secretArn: string) => Promise<GitHubAppSecret>;
  /** Clock for the stale-event check; ECR by default. Only used when `staleEventCheck` is on. */
  readonly clock?: ImagePushClock;
  /** Provenance reader; ECR by default. */
  readonly provenance?: ImageProvenanceReader;
  /** Tagged images for the reconcile; ECR `DescribeImages` by default. */
  readonly catalog?: ImageCatalog;
  /** Octokit retry/throttle/request overrides (tests shorten the waits). */
  readonly octokit?: Pick<GitHubAppOctokitOptions, "retry" | "throttle" | "request">;
}

/**
 * Returns a getter for the container's adapters, built on first use and then reused by warm
 * invocations: the secret is read once, and one Octokit (with its cached installation token) and one
 * repository adapter serve every event. A failed build (secret unreadable, …) is not cached, so the
 * next invocation tries again.
 *
 * Lazy rather than at import so that a cold start with a broken secret still logs every event of the
 * batch as `failed` with the reason, instead of failing init with no per-event trace.
 *
 * @example
 * const getRuntime = createGitHubRuntime(readLambdaEnvironment(process.env), { logger });
 * const { gitops, clock, provenance } = await getRuntime();
 */
export function createGitHubRuntime(
  config: LambdaSettings,
  options: GitHubRuntimeOptions,
): Memoized<GitHubRuntime> {
  const readSecret = options.readSecret ?? ((secretArn: string) => readGitHubAppSecret({ secretArn }));
  const { logger } = options;
  const log = {
    debug: (message: string) => logger.debug(redactSecrets(message)),
    info: (message: string) => logger.info(redactSecrets(message)),
    warn: (message: string) => logger.warn(redactSecrets(message)),
    error: (message: string) => logger.error(redactSecrets(message)),
  };
  return memoizeUntilSuccess(async () => {
    const secret = await readSecret(config.githubAppSecretArn);
    const { owner, repo } = config.gitopsRepo;
    const octokit = createGitHubAppOctokit({
      ...options.octokit,
      appId: secret.appId,
      privateKey: secret.privateKey,
      ...(secret.installationId === undefined ? {} : { installationId: secret.installationId }),
      owner,
      repo,
      baseUrl: config.githubApiUrl,
      log,
    });
    const gitops = createGitHubGitOps({
      octokit,
      owner,
      repo,
      ...(config.gitopsBranch === undefined ? {} : { branch: config.gitopsBranch }),
    });
    const provenance = options.provenance ?? createEcrProvenanceReader();
    const reconcile = { history: gitops, catalog: options.catalog ?? createEcrImageCatalog() };
    if (!config.staleEventCheck) return { gitops, provenance, reconcile };
    return { gitops, provenance, reconcile, clock: options.clock ?? createEcrPushClock() };
  });
}
