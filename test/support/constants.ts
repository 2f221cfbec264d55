/**
 * The values every suite shares, named once. The registry, account and region are those of the Seoul ECR
 * registry the fixtures' manifests use; the App and installation ids are what the GitHub emulator and the
 * Lambda scenarios agree on.
 */

/** The ECR account of the fixtures. */
export const SEOUL_ACCOUNT = "405906814034";
/** The ECR region of the fixtures. */
export const SEOUL_REGION = "ap-northeast-2";
/** `<account>.dkr.ecr.<region>.amazonaws.com`: the registry of every pushed image in the tests. */
export const SEOUL_REGISTRY = `${SEOUL_ACCOUNT}.dkr.ecr.${SEOUL_REGION}.amazonaws.com`;
/** The digest of a pushed image when a test does not care which. */
export const PUSH_DIGEST = `sha256:${"ab".repeat(32)}`;

/** The emulated GitOps repository: `wafflestudio/gitops`. */
export const GITOPS_OWNER = "wafflestudio";
export const GITOPS_NAME = "gitops";
/** The GitHub App and its installation on the emulated repository. */
export const APP_ID = 4242;
export const INSTALLATION_ID = 777;
/** The Secrets Manager secret holding the App's credentials in the Lambda scenarios. */
export const SECRET_ARN = `arn:aws:secretsmanager:${SEOUL_REGION}:${SEOUL_ACCOUNT}:secret:heimdall-app-AbCdEf`;
