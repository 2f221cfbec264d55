import type { EcrPush } from "./ecr-push.ts";
import { ECR } from "./ecr-syntax.ts";
import { InvalidEventError } from "./invalid-event-error.ts";

/** What an incoming event means: a push to act on, or something to log and ignore. */
export type ParsedEcrEvent =
  | { readonly kind: "push"; readonly push: EcrPush }
  | { readonly kind: "ignored"; readonly reason: string; readonly eventId?: string };

// ECR exists since 2015; a push time far ahead would outrank every later push. Outside these: not a real push.
const FIRST_YEAR = 2015;
const LAST_YEAR = 2199;

// RFC 3339, as EventBridge writes `time`; `new Date` alone would also take "1" or "Nov 20 2026".
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an EventBridge `ECR Image Action` envelope (an object, or its JSON text) into an {@link EcrPush}.
 *
 * Events that are well formed but are not a successful tagged push (another source or detail-type,
 * `action-type` DELETE, `result` FAILURE, no or empty `image-tag`) come back as `ignored` with the reason.
 * Anything malformed throws {@link InvalidEventError} before anything is read or written: unparseable
 * JSON, missing fields, a repository name outside ECR's syntax (≤ 256 chars), a tag outside
 * `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, a digest that is not `sha256:` + 64 hex.
 *
 * @example
 * const parsed = parseEcrEvent(JSON.parse(body));
 * if (parsed.kind === "push") console.log(parsed.push.registry); // 405906814034.dkr.ecr.ap-northeast-2.amazonaws.com
 */
export function parseEcrEvent(input: unknown): ParsedEcrEvent {
  const event = asRecord(typeof input === "string" ? parseJson(input) : input, "the event");
  const eventId = typeof event.id === "string" && event.id !== "" ? event.id : undefined;
  const ignored = (reason: string): ParsedEcrEvent =>
    eventId === undefined ? { kind: "ignored", reason } : { kind: "ignored", reason, eventId };

  const detailType = event["detail-type"];
  if (typeof detailType !== "string" && (Array.isArray(event.Records) || typeof event.body === "string")) {
    throw invalid(
      "this is an SQS message (or batch), not the event itself; pass the EventBridge event its 'body' holds",
    );
  }
  if (typeof detailType !== "string") throw invalid("the event has no 'detail-type' string");
  if (event.source !== "aws.ecr") return ignored(`source '${String(event.source)}' is not 'aws.ecr'`);
  if (detailType !== "ECR Image Action")
    return ignored(`detail-type '${detailType}' is not 'ECR Image Action'`);

  const detail = asRecord(event.detail, "the event's 'detail'");
  const action = detail["action-type"];
  const result = detail.result;
  if (action !== "PUSH") return ignored(`action-type '${String(action)}' is not a push`);
  if (result !== "SUCCESS") return ignored(`result '${String(result)}' is not SUCCESS`);
  const tag = detail["image-tag"];
  if (tag === undefined || tag === null || tag === "") return ignored("untagged push (no image-tag)");

  if (eventId === undefined) throw invalid("the event has no 'id'");
  const repository = requiredString(detail, "repository-name");
  if (repository.length > ECR.maxRepositoryLength || !ECR.repository.test(repository)) {
    throw invalid(`repository-name '${clip(repository)}' is not a valid ECR repository name`);
  }
  if (typeof tag !== "string") {
    const got =
      typeof tag === "object"
        ? Array.isArray(tag)
          ? "a list"
          : "an object"
        : `the ${typeof tag} ${clip(String(tag))}`;
    throw invalid(`image-tag must be a string (got ${got})`);
  }
  if (!ECR.tag.test(tag)) throw invalid(`image-tag '${clip(tag)}' is not a valid tag`);
  const digest = requiredString(detail, "image-digest");
  if (!ECR.digest.test(digest))
    throw invalid(`image-digest '${clip(digest)}' is not 'sha256:' followed by 64 hex digits`);
  const account = requiredString(event, "account");
  if (!ECR.account.test(account))
    throw invalid(`account '${clip(account)}' is not a 12-digit AWS account id`);
  const region = requiredString(event, "region");
  if (!ECR.region.test(region)) throw invalid(`region '${clip(region)}' is not an AWS region name`);
  const timeText = requiredString(event, "time");
  const time = new Date(timeText);
  if (!TIME.test(timeText) || Number.isNaN(time.getTime()))
    throw invalid(`time '${clip(timeText)}' is not an ISO 8601 timestamp`);
  if (!isCalendarTime(timeText))
    throw invalid(
      `time '${clip(timeText)}' is not a real date and time (a day or hour that does not exist, or a year outside ${FIRST_YEAR}–${LAST_YEAR})`,
    );

  return {
    kind: "push",
    push: {
      eventId,
      time,
      account,
      region,
      registry: ECR.registryHost(account, region),
      imageRepository: repository,
      tag,
      digest,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    // A BOM is what some editors put in front of a saved JSON file; it is not part of the event.
    return JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (cause) {
    // V8 quotes the input around the error, newlines included: keep the error to one line.
    const reason = clip((cause as Error).message.replace(/\s+/g, " ")).replaceAll('\\"', '"');
    throw new InvalidEventError(
      `the event is not valid JSON (${reason}) — pass the EventBridge event as JSON`,
      {
        cause,
      },
    );
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requiredString(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") throw invalid(`the event has no '${key}' string`);
  return value;
}

function invalid(what: string): InvalidEventError {
  return new InvalidEventError(
    `invalid ECR event: ${what} — expected an EventBridge 'ECR Image Action' event`,
  );
}

/** Input quoted in a message: at most 80 characters, control characters escaped so it stays one line. */
function clip(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(shown).slice(1, -1);
}

// `new Date` rolls impossible dates over (2026-02-30 becomes March 2): check the written fields themselves.
function isCalendarTime(text: string): boolean {
  const [year, month, day, hour, minute, second] = text.slice(0, 19).split(/[-T:]/).map(Number);
  if ([year, month, day, hour, minute, second].some((value) => value === undefined || Number.isNaN(value)))
    return false;
  const y = year as number;
  const daysInMonth = new Date(Date.UTC(y, month as number, 0)).getUTCDate();
  return (
    y >= FIRST_YEAR &&
    y <= LAST_YEAR &&
    (month as number) >= 1 &&
    (month as number) <= 12 &&
    (day as number) >= 1 &&
    (day as number) <= daysInMonth &&
    (hour as number) <= 23 &&
    (minute as number) <= 59 &&
    (second as number) <= 59
  );
}
