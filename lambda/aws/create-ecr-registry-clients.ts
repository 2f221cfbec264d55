import { ECRClient } from "@aws-sdk/client-ecr";

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] — the host is the only place the region and
// registry id of a manifest's image are written down.
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/** The ECR client to ask about images in one registry, with the registry's account id and region. */
export interface EcrRegistryClient {
  readonly client: ECRClient;
  readonly registryId: string;
  readonly region: string;
}

/**
 * Returns a lookup from a registry host to the ECR client for its region and its account id (`registryId`,
 * so cross-account registries work); `undefined` for a host that is not ECR. One client per region is
 * created on first use and reused for warm invocations. Clients get no endpoint override, so the SDK's
 * `AWS_ENDPOINT_URL_ECR` keeps working.
 *
 * @example
 * const clientFor = createEcrRegistryClients();
 * clientFor("405906814034.dkr.ecr.ap-northeast-2.amazonaws.com");
 * // { client: ECRClient (ap-northeast-2), registryId: "405906814034", region: "ap-northeast-2" }
 * clientFor("ghcr.io"); // undefined
 */
export function createEcrRegistryClients(
  clientForRegion?: (region: string) => ECRClient,
): (registry: string) => EcrRegistryClient | undefined {
  const clients = new Map<string, ECRClient>();
  const forRegion =
    clientForRegion ??
    ((region: string) => {
      let client = clients.get(region);
      if (client === undefined) {
        client = new ECRClient({ region });
        clients.set(region, client);
      }
      return client;
    });
  return (registry) => {
    const host = ECR_HOST.exec(registry);
    if (host === null) return undefined;
    const [, registryId = "", region = ""] = host;
    return { client: forRegion(region), registryId, region };
  };
}
