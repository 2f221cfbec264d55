import { ECRClient } from "@aws-sdk/client-ecr";
import { ECR } from "../core/index.ts";

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
    const host = ECR.parseRegistryHost(registry);
    if (host === undefined) return undefined;
    return { client: forRegion(host.region), registryId: host.account, region: host.region };
  };
}
