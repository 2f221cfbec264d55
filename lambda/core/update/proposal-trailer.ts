import type { EcrPush } from "../event/ecr-push.ts";

/** What a proposal commit's trailer says it proposes. */
export interface ProposedImage {
  readonly imageRepository: string;
  readonly tag: string;
  /** Absent for a manual push that named no digest. */
  readonly digest?: string;
}

const KEY = "Heimdall-Proposal";
// <repository>:<tag>[@<digest>]; ECR repository names hold no ':' and tags no ':' or '@', so the split is exact.
const TRAILER = new RegExp(`^${KEY}: ([a-z0-9._/-]+):([\\w][\\w.-]{0,127})(?:@(sha256:[0-9a-f]{64}))?$`, "m");

/**
 * The git trailer heimdall ends every proposal commit with: it names the image, tag and digest the branch
 * proposes, so the next read can tell heimdall's own commit (and what it proposes) from anyone else's
 * without any state kept elsewhere.
 *
 * @example
 * proposalTrailer(push); // "Heimdall-Proposal: snutt-prod/snutt-timetable:46@sha256:ab…"
 */
export function proposalTrailer(push: Pick<EcrPush, "imageRepository" | "tag" | "digest">): string {
  const digest = push.digest === undefined ? "" : `@${push.digest}`;
  return `${KEY}: ${push.imageRepository}:${push.tag}${digest}`;
}

/**
 * Reads {@link proposalTrailer} back from a commit message; undefined when the message has none.
 *
 * @example
 * readProposalTrailer("Automated commit …\n\nHeimdall-Proposal: a/b:46@sha256:ab…");
 * // { imageRepository: "a/b", tag: "46", digest: "sha256:ab…" }
 */
export function readProposalTrailer(message: string): ProposedImage | undefined {
  const match = TRAILER.exec(message);
  if (match === null) return undefined;
  const [, imageRepository = "", tag = "", digest] = match;
  return digest === undefined ? { imageRepository, tag } : { imageRepository, tag, digest };
}
