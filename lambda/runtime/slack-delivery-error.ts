import { HeimdallError } from "../core/index.ts";

/**
 * Slack did not take a notification (an error status, a network failure, a timeout). Thrown so Lambda's
 * asynchronous retries try again and, when they are spent, the event lands in the notification dead-letter
 * queue. The message never contains the webhook URL.
 */
export class SlackDeliveryError extends HeimdallError {}
