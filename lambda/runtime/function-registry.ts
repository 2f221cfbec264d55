import { ECR, HeimdallError } from "../core/index.ts";

/**
 * The ECR registry of the function's own account and region, read from its ARN
 * (`arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]`, Lambda's `context.invokedFunctionArn`):
 * the registry whose pushes heimdall's rule receives, and the one the reconcile asks first.
 *
 * @throws HeimdallError when the ARN is missing or not a Lambda function ARN (a test calling without a context)
 * @example
 * functionRegistry("arn:aws:lambda:ap-northeast-2:405906814034:function:heimdall");
 * // "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com"
 */
export function functionRegistry(functionArn: string | undefined): string {
  const [arn, , service, region = "", account = "", kind] = (functionArn ?? "").split(":");
  if (
    arn !== "arn" ||
    service !== "lambda" ||
    kind !== "function" ||
    !ECR.region.test(region) ||
    !ECR.account.test(account)
  ) {
    throw new HeimdallError(
      `cannot tell the function's own ECR registry from its ARN '${functionArn ?? ""}' — invoke it as a Lambda function (the reconcile reads account and region from context.invokedFunctionArn)`,
    );
  }
  return ECR.registryHost(account, region);
}
