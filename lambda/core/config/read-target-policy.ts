import { validRange } from "semver";
import type { ConfigEntry, ConfigNodeReader } from "./config-node-reader.ts";

/**
 * The operator's knobs on one target: how (and whether) heimdall updates the references it covers.
 * All optional in `.heimdall.yaml`; the defaults are today's behaviour.
 */
export interface TargetPolicy {
  /** `paused: true`: pushes are reported as `paused` and nothing under the target's paths is written. */
  readonly paused: boolean;
  /** Why the target is paused, shown with the `paused` outcome (one line). */
  readonly pausedReason?: string;
  /** Write `repo:tag@sha256:<pushed digest>` so that a re-pushed mutable tag (`latest`) rolls out. */
  readonly pinDigest: boolean;
  /** `push-time` (default): the newest push wins. `semver`: a lower version never replaces a higher one. */
  readonly order: "push-time" | "semver";
  /** A node-semver range the pushed version must satisfy, as written (`^1.2`). */
  readonly semver?: string;
}

/** The target keys {@link readTargetPolicy} reads, for the config's list of allowed keys. */
export const TARGET_POLICY_KEYS = ["paused", "pausedReason", "pinDigest", "order", "semver"] as const;

const ORDERS = ["push-time", "semver"] as const;
// Reasons land in log lines and CLI output; a short line is all they need.
const MAX_REASON_LENGTH = 200;
// node-semver bounds versions at 256 characters; a range longer than that is a mistake, not a constraint.
const MAX_RANGE_LENGTH = 256;

/**
 * Reads a target's policy keys (`paused`, `pausedReason`, `pinDigest`, `order`, `semver`) from its
 * entries, failing with file, line and key like every other config key: `paused: yes` (only `true` or
 * `false`), `order: newest` (only `push-time` or `semver`), `semver: '^1.x.y'` (not a node-semver
 * range), a multi-line `pausedReason`, or a `pausedReason` without `paused`.
 *
 * @param name the target's key path (`targets[2]`), for messages
 * @example
 * readTargetPolicy(reader, entries, "targets[0]");
 * // { paused: false, pinDigest: false, order: "semver", semver: "^1.2" }
 */
export function readTargetPolicy(
  reader: ConfigNodeReader,
  entries: ReadonlyMap<string, ConfigEntry>,
  name: string,
): TargetPolicy {
  const policy: { -readonly [K in keyof TargetPolicy]: TargetPolicy[K] } = {
    paused: false,
    pinDigest: false,
    order: "push-time",
  };
  const paused = entries.get("paused");
  if (paused !== undefined) policy.paused = reader.boolean(paused, `${name}.paused`);
  const reason = entries.get("pausedReason");
  if (reason !== undefined) {
    const key = `${name}.pausedReason`;
    if (paused === undefined) reader.fail(reason.keyNode, key, "has no effect without 'paused: true'");
    const text = reader.string(reason, key);
    if (/[\r\n]/.test(text) || text.length > MAX_REASON_LENGTH) {
      reader.fail(reason.value, key, `must be one line of at most ${MAX_REASON_LENGTH} characters`);
    }
    policy.pausedReason = text;
  }
  const pinDigest = entries.get("pinDigest");
  if (pinDigest !== undefined) policy.pinDigest = reader.boolean(pinDigest, `${name}.pinDigest`);
  const order = entries.get("order");
  if (order !== undefined) policy.order = reader.oneOf(order, `${name}.order`, ORDERS);
  const range = entries.get("semver");
  if (range !== undefined) policy.semver = readRange(reader, range, `${name}.semver`);
  return policy;
}

function readRange(reader: ConfigNodeReader, entry: ConfigEntry, key: string): string {
  const range = reader.string(entry, key);
  if (range.length > MAX_RANGE_LENGTH || validRange(range) === null) {
    const shown = range.length > 80 ? `${range.slice(0, 80)}…` : range;
    reader.fail(
      entry.value,
      key,
      `'${shown}' is not a semver range; write a node-semver range such as '^1.2', '~1.4.0' or '>=1.2.0 <2'`,
    );
  }
  return range;
}
