import {
  DecryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readGitHubAppSecret } from "../../lambda/aws/read-github-app-secret.ts";
import { SecretError } from "../../lambda/aws/secret-error.ts";

const ARN = "arn:aws:secretsmanager:us-west-2:405906814034:secret:heimdall-app-AbCdEf";
// Not a real key: only its shape matters, and the marker lets tests prove it never leaks.
const KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDLEAKMARKER";
const PEM = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const metadata = { httpStatusCode: 400, requestId: "req-1", attempts: 1, totalRetryDelay: 0 };

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

async function failureOf(secretString: string | undefined): Promise<SecretError> {
  secrets
    .on(GetSecretValueCommand)
    .resolves(secretString === undefined ? { ARN } : { ARN, SecretString: secretString });
  const error = await readGitHubAppSecret({ secretArn: ARN }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SecretError);
  return error as SecretError;
}

describe("readGitHubAppSecret", () => {
  it("asks Secrets Manager for the ARN, in the ARN's region, and parses the JSON", async () => {
    secrets.on(GetSecretValueCommand).resolves({
      ARN,
      SecretString: JSON.stringify({ appId: 123456, privateKey: PEM, installationId: "987" }),
    });
    const secret = await readGitHubAppSecret({ secretArn: ARN });
    expect(secret).toEqual({ appId: "123456", privateKey: PEM, installationId: 987 });
    const calls = secrets.commandCalls(GetSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ SecretId: ARN });
    expect(await calls[0]?.thisValue.config.region()).toBe("us-west-2");
  });

  it("leaves installationId out when the secret has none, and accepts a client ID as appId", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ appId: "Iv23liAbCd", privateKey: PEM }) });
    expect(await readGitHubAppSecret({ secretArn: ARN })).toEqual({ appId: "Iv23liAbCd", privateKey: PEM });
  });

  it("repairs a PEM pasted with literal \\n sequences", async () => {
    const oneLine = PEM.trim().replaceAll("\n", "\\n");
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ appId: "1", privateKey: oneLine }) });
    expect((await readGitHubAppSecret({ secretArn: ARN })).privateKey).toBe(PEM);
  });

  it.each([
    ["AccessDeniedException", "grant secretsmanager:GetSecretValue on it to the function role"],
    ["ThrottlingException", "retry later"],
  ])("turns %s into an actionable SecretError", async (name, action) => {
    secrets.on(GetSecretValueCommand).rejects(
      new SecretsManagerServiceException({
        name,
        $fault: "client",
        $metadata: metadata,
        message: "User: arn:aws:sts::… is not authorized",
      }),
    );
    const error = await readGitHubAppSecret({ secretArn: ARN }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toBe(
      `could not read secret '${ARN}': ${name} — ${action}${name === "ThrottlingException" ? "; if it persists check the function's network path to Secrets Manager" : ""}`,
    );
  });

  it.each([
    [
      new ResourceNotFoundException({ $metadata: metadata, message: "not found" }),
      "ResourceNotFoundException — create the secret or fix GITHUB_APP_SECRET_ARN",
    ],
    [
      new DecryptionFailure({ $metadata: metadata, message: "kms" }),
      "DecryptionFailure — grant kms:Decrypt on the secret's KMS key",
    ],
    [
      new InternalServiceError({ $metadata: { ...metadata, httpStatusCode: 500 }, message: "oops" }),
      "InternalServiceError — retry later",
    ],
  ])("names the modelled error %#", async (rejection, expected) => {
    secrets.on(GetSecretValueCommand).rejects(rejection);
    await expect(readGitHubAppSecret({ secretArn: ARN })).rejects.toThrow(expected);
  });

  it("refuses a secret without SecretString", async () => {
    expect((await failureOf(undefined)).message).toContain("has no SecretString (binary or empty)");
  });

  it("refuses invalid JSON without quoting any of it", async () => {
    const error = await failureOf(`{"appId": 1, "privateKey": "${KEY_BODY}`);
    expect(error.message).toContain(`secret '${ARN}' is not valid JSON — store JSON {"appId"`);
    expect(error.message).not.toContain(KEY_BODY);
  });

  it.each([
    [{ privateKey: PEM }, "has no valid 'appId'"],
    [{ appId: "abc", privateKey: PEM }, "has no valid 'appId'"],
    [{ appId: 1 }, "has no 'privateKey' holding a PEM private key"],
    [{ appId: 1, privateKey: KEY_BODY }, "has no 'privateKey' holding a PEM private key"],
    [
      { appId: 1, privateKey: PEM, installationId: -4 },
      "has an 'installationId' that is not a positive integer",
    ],
    [[PEM], "is not a JSON object"],
  ])("refuses %j with a message that names the field and never the key", async (secret, expected) => {
    const error = await failureOf(JSON.stringify(secret));
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain(KEY_BODY);
    expect(String(error.cause ?? "")).not.toContain(KEY_BODY);
  });
});
