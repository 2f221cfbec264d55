import { ECRClient } from "@aws-sdk/client-ecr";

/**
 * One ECR client per region, created on first use and kept for warm invocations. Clients get no endpoint
 * override, so the SDK's own `AWS_ENDPOINT_URL_ECR` keeps working (tests point it at a local endpoint).
 *
 * @example
 * const clientFor = ecrClients();
 * await clientFor("ap-northeast-2").send(new DescribeImagesCommand({ … }));
 */
export function ecrClients(): (region: string) => ECRClient {
  const clients = new Map<string, ECRClient>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = new ECRClient({ region });
      clients.set(region, client);
    }
    return client;
  };
}
