/**
 * What ECR accepts, restated once for every front door (EventBridge events, `heimdall apply --image`):
 * repository names (lowercase segments joined by `/`, so no `..` and no leading `/`), tags, `sha256`
 * digests, account ids and region names, and the registry host of an account and region.
 *
 * @example
 * ECR.repository.test("snutt-dev/snutt-timetable"); // true
 * ECR.registryHost("405906814034", "ap-northeast-2"); // "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"
 */
export const ECR = {
  repository: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
  /** ECR's longest repository name. */
  maxRepositoryLength: 256,
  tag: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
  digest: /^sha256:[0-9a-f]{64}$/,
  account: /^\d{12}$/,
  region: /^[a-z]{2}(?:-[a-z]+)+-\d+$/,
  /** `<account>.dkr.ecr.<region>.amazonaws.com`, `.amazonaws.com.cn` in China regions. */
  registryHost(account: string, region: string): string {
    const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return `${account}.dkr.ecr.${region}.${suffix}`;
  },
} as const;
