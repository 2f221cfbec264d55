import type { UpdateEventDetail } from "./update-event.ts";

/**
 * The port through which the handler announces each event's outcome (adapter: `lambda/aws/`, EventBridge
 * `PutEvents` on the default bus). Never throws: a notification that cannot be sent must not fail a deploy,
 * so the answer says how many were not published and why, and the handler logs it.
 */
export interface UpdateEventPublisher {
  publish(details: readonly UpdateEventDetail[]): Promise<PublishResult>;
}

/** What became of one `publish` call. */
export interface PublishResult {
  readonly published: number;
  readonly failed: number;
  /** One line per distinct reason, e.g. `AccessDeniedException: … not authorized to perform: events:PutEvents`. */
  readonly reasons: readonly string[];
}
