import { Duration, Validations } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * A standard, encrypted (SSE-SQS), TLS-only queue that keeps for 14 days what `whose` could not deliver. It is
 * the end of the line — an alarm watches it — so cdk-nag's "no dead-letter queue of its own" (SQS3) is
 * acknowledged with that reason. Standard, not FIFO: EventBridge and Lambda destinations refuse FIFO queues.
 *
 * @example
 * terminalDeadLetterQueue(this, "DeliveryDeadLetterQueue", "EventBridge's, for events it could not deliver to the heimdall queue");
 */
export function terminalDeadLetterQueue(scope: Construct, id: string, whose: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      `This queue is itself a dead-letter queue: ${whose}. An alarm watches it; a dead-letter queue of a ` +
      "dead-letter queue would add nothing.",
  });
  return queue;
}
