import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretError } from "./secret-error.ts";

/**
 * Reads a secret's `SecretString` (current version) from Secrets Manager; `undefined` when it has none
 * (a binary secret). The client is built for the region named in the ARN (a secret can live outside the
 * function's region) with no endpoint override, so the SDK's `AWS_ENDPOINT_URL_SECRETS_MANAGER` keeps working.
 *
 * @param variable the environment variable that named the ARN, for the fix in messages (`GITHUB_APP_SECRET_ARN`)
 * @throws SecretError naming the ARN, what failed and what to do (permissions, missing secret, KMS; anything
 *   else — throttling, 5xx, network — says to retry). Never contains the secret's contents.
 * @example
 * const text = await readSecretString({ secretArn, variable: "SLACK_WEBHOOK_SECRET_ARN" });
 */
export async function readSecretString(options: {
  readonly secretArn: string;
  readonly variable: string;
  readonly client?: SecretsManagerClient;
}): Promise<string | undefined> {
  const { secretArn, variable } = options;
  const client = options.client ?? new SecretsManagerClient(regionOf(secretArn) ?? {});
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return response.SecretString;
  } catch (error) {
    const name = error instanceof Error ? error.name : "UnknownError";
    const actions: Record<string, string> = {
      AccessDeniedException: "grant secretsmanager:GetSecretValue on it to the function role",
      ResourceNotFoundException: `create the secret or fix ${variable}`,
      DecryptionFailure: "grant kms:Decrypt on the secret's KMS key to the function role",
      InvalidRequestException: `restore the secret if it is scheduled for deletion, or fix ${variable}`,
      InvalidParameterException: `fix ${variable}`,
    };
    throw new SecretError(
      `could not read secret '${secretArn}': ${name} — ${actions[name] ?? "retry later; if it persists check the function's network path to Secrets Manager"}`,
      { cause: error },
    );
  }
}

function regionOf(arn: string): { region: string } | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" ? undefined : { region };
}
