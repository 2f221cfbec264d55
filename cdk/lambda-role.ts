import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/**
 * A function role that starts with nothing but writing to `logGroup` — instead of
 * AWSLambdaBasicExecutionRole, which allows logs:* on every log group. Callers add exactly what their
 * function needs. Used by the heimdall function and the Slack notifier.
 *
 * @example
 * const role = lambdaRole(this, "FunctionRole", logGroup, "ecr-heimdall function for wafflestudio/snutt-gitops");
 */
export function lambdaRole(scope: Construct, id: string, logGroup: ILogGroup, description: string): Role {
  const role = new Role(scope, id, { assumedBy: new ServicePrincipal("lambda.amazonaws.com"), description });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: "WriteOwnLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [logGroup.logGroupArn],
    }),
  );
  return role;
}
