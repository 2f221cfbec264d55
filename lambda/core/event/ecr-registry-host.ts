// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] — the host is the only place a manifest writes down
// the account and region of an image.
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/** The account and region an ECR registry host names. */
export interface EcrRegistry {
  readonly account: string;
  readonly region: string;
}

/**
 * The ECR registry host of `account` in `region`: `<account>.dkr.ecr.<region>.amazonaws.com`, with
 * `.amazonaws.com.cn` in the China regions.
 *
 * @example
 * ecrRegistryHost({ account: "405906814034", region: "ap-northeast-2" });
 * // "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"
 */
export function ecrRegistryHost(registry: EcrRegistry): string {
  const suffix = registry.region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${registry.account}.dkr.ecr.${registry.region}.${suffix}`;
}

/**
 * The account and region an ECR registry host names (FIPS and China hosts included), or `undefined` for a
 * host that is not ECR's (a pull-through proxy, `ghcr.io`, …).
 *
 * @example
 * parseEcrRegistryHost("405906814034.dkr.ecr.ap-northeast-2.amazonaws.com");
 * // { account: "405906814034", region: "ap-northeast-2" }
 * parseEcrRegistryHost("registry.example.com"); // undefined
 */
export function parseEcrRegistryHost(host: string): EcrRegistry | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  if (match === null) return undefined;
  const [, account = "", region = ""] = match;
  return { account, region };
}
