import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readSlackWebhookUrl } from "../../lambda/aws/read-slack-webhook-url.ts";
import { SecretError } from "../../lambda/aws/secret-error.ts";

const ARN = "arn:aws:secretsmanager:ap-northeast-2:405906814034:secret:heimdall-slack-AbCdEf";
// Shaped like a real webhook; the marker lets tests prove it never leaks into a message.
const WEBHOOK = "https://hooks.slack.com/services/T000/B000/WEBHOOKMARKER";

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

const holding = (secretString: string | undefined) =>
  secrets
    .on(GetSecretValueCommand, { SecretId: ARN })
    .resolves(secretString === undefined ? { ARN } : { ARN, SecretString: secretString });

describe("readSlackWebhookUrl", () => {
  it.each([
    ["the URL itself", WEBHOOK],
    ["the URL with whitespace", ` ${WEBHOOK}\n`],
    ["JSON with url", JSON.stringify({ url: WEBHOOK })],
    ["JSON with webhookUrl", JSON.stringify({ webhookUrl: WEBHOOK })],
  ])("reads %s, in the ARN's region", async (_name, secretString) => {
    holding(secretString);
    const url = await readSlackWebhookUrl({ secretArn: ARN });
    expect(url.href).toBe(WEBHOOK);
    expect(await secrets.commandCalls(GetSecretValueCommand)[0]?.thisValue.config.region()).toBe(
      "ap-northeast-2",
    );
  });

  it("accepts plain http only for a loopback host", async () => {
    holding("http://127.0.0.1:8080/hook");
    expect((await readSlackWebhookUrl({ secretArn: ARN })).host).toBe("127.0.0.1:8080");
  });

  it.each([
    ["an empty secret", "", "has no SecretString (binary or empty)"],
    ["a binary secret", undefined, "has no SecretString (binary or empty)"],
    ["broken JSON", '{"url": ', "is not valid JSON"],
    ["JSON without a url", '{"channel": "#deploys"}', "holds no 'url' string"],
    ["no URL", "hooks.slack.com/services/T000/B000/WEBHOOKMARKER", "does not hold a URL"],
    [
      "plain http",
      "http://hooks.slack.com/services/T000/B000/WEBHOOKMARKER",
      "holds a URL that is not https://",
    ],
  ])("refuses %s with what to store, never quoting the secret", async (_name, secretString, what) => {
    holding(secretString);
    const error = await readSlackWebhookUrl({ secretArn: ARN }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toBe(
      `secret '${ARN}' ${what} — store the Slack incoming-webhook URL (https://hooks.slack.com/services/…) as its SecretString`,
    );
    expect((error as Error).message).not.toContain("WEBHOOKMARKER");
  });

  it("names the permission to grant when the role may not read the secret", async () => {
    secrets.on(GetSecretValueCommand).rejects(
      new SecretsManagerServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: {},
        message: "denied",
      }),
    );
    await expect(readSlackWebhookUrl({ secretArn: ARN })).rejects.toThrow(
      `could not read secret '${ARN}': AccessDeniedException — grant secretsmanager:GetSecretValue on it to the function role`,
    );
  });
});
