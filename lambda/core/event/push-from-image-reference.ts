import type { EcrPush } from "./ecr-push.ts";
import { ECR } from "./ecr-syntax.ts";
import { InvalidEventError } from "./invalid-event-error.ts";

const FORM = "<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>[@sha256:<digest>]";

/**
 * Builds the push an operator names by reference (`heimdall apply --image …`): a manual push, so a rollback
 * or promotion goes through the same config, pins, edits and commit message as an ECR event. The digest
 * is optional; without it no digest is written anywhere (see {@link EcrPush}).
 *
 * Throws {@link InvalidEventError} for anything ECR could not have pushed: a host that is not an ECR
 * registry, a missing tag, a repository name, tag or digest outside ECR's syntax.
 *
 * @param at the id and time the push gets; the CLI passes a fresh id and the current time
 * @example
 * pushFromImageReference("405906814034.dkr.ecr.ap-northeast-2.amazonaws.com/snutt-dev/snutt-timetable:45", {
 *   eventId: "manual-1f0c…", time: new Date(),
 * });
 * // { manual: true, registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com", account: "405906814034",
 * //   region: "ap-northeast-2", imageRepository: "snutt-dev/snutt-timetable", tag: "45", eventId, time }
 */
export function pushFromImageReference(
  reference: string,
  at: { readonly eventId: string; readonly time: Date },
): EcrPush {
  const fail = (why: string): never => {
    const shown = JSON.stringify(reference.length > 120 ? `${reference.slice(0, 120)}…` : reference);
    throw new InvalidEventError(`image reference ${shown} ${why} — write ${FORM}`);
  };
  const [name = "", digest, ...extra] = reference.split("@");
  if (extra.length > 0) fail("has more than one '@'");
  if (digest !== undefined && !ECR.digest.test(digest))
    fail("has a digest that is not 'sha256:' + 64 hex digits");
  const slash = name.indexOf("/");
  if (slash <= 0) fail("names no registry");
  const host = name.slice(0, slash);
  const path = name.slice(slash + 1);
  const { account = "", region = "" } = ECR.parseRegistryHost(host) ?? {};
  if (ECR.registryHost(account, region) !== host) {
    fail(`names '${host}', which is not an ECR registry host`);
  }
  const colon = path.lastIndexOf(":");
  if (colon === -1) fail("has no tag");
  const imageRepository = path.slice(0, colon);
  const tag = path.slice(colon + 1);
  if (imageRepository.length > ECR.maxRepositoryLength || !ECR.repository.test(imageRepository)) {
    fail(`names '${imageRepository}', which is not an ECR repository name`);
  }
  if (!ECR.tag.test(tag)) fail(`has tag '${tag}', which ECR does not allow`);
  return {
    manual: true,
    eventId: at.eventId,
    time: at.time,
    account,
    region,
    registry: host,
    imageRepository,
    tag,
    ...(digest === undefined ? {} : { digest }),
  };
}
