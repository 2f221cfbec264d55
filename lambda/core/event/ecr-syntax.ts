// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]
const REGISTRY_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * What ECR accepts, restated once for every front door (EventBridge events, `heimdall apply --image`):
 * repository names (lowercase segments joined by `/`, so no `..` and no leading `/`), tags, `sha256`
 * digests, account ids and region names, and the registry host of an account and region (both ways).
 *
 * @example
 * ECR.repository.test("snutt-dev/snutt-timetable"); // true
 * ECR.registryHost("405906814034", "ap-northeast-2"); // "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"
 * ECR.parseRegistryHost("405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"); // { account: "405906814034", region: "ap-northeast-2" }
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
  /**
   * The account and region an ECR registry host names (FIPS and China hosts too), or `undefined` for a host
   * that is not ECR's (a pull-through proxy, `ghcr.io`, …): the host is the only place a manifest writes them.
   */
  parseRegistryHost(host: string): { readonly account: string; readonly region: string } | undefined {
    const match = REGISTRY_HOST.exec(host.toLowerCase());
    return match === null ? undefined : { account: match[1] ?? "", region: match[2] ?? "" };
  },
} as const;
