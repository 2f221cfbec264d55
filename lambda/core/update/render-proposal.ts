import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { renderCommitMessage } from "./commit-message.ts";
import { describeChange } from "./describe-change.ts";
import type { ImageProvenance } from "./image-provenance-reader.ts";
import { proposalBranchName } from "./proposal-branch-name.ts";
import { proposalTrailer } from "./proposal-trailer.ts";

/** A proposal's commit message and its pull request's title and description. */
export interface RenderedProposal {
  readonly headline: string;
  readonly body: string;
  readonly title: string;
  readonly description: string;
}

// `Key: value` lines: a paragraph of only these is a git trailer block.
const TRAILER_LINE = /^[A-Za-z][\w-]*: \S/;

/**
 * Renders one image's proposal. The commit is titled like a direct commit for that image (the config's
 * `commitMessage`), its body is a direct commit's (changes, source link, trailers; see `renderCommitMessage`)
 * and ends with the {@link proposalTrailer}, in the same trailer block. The pull request's title is the commit
 * title; its description names the image, tag and pushed digest, lists every changed value, and says how
 * heimdall keeps the branch.
 *
 * @example
 * renderProposal({ template: DEFAULT_COMMIT_MESSAGE, push, changes }).title;
 * // "Automated commit by ECR push (snutt-prod/snutt-timetable:46)"
 */
export function renderProposal(input: {
  readonly template: string;
  readonly push: EcrPush;
  readonly changes: readonly ManifestChange[];
  /** The image's source labels, for the `Source:` line and `{revision}` `{source}`. */
  readonly provenance?: ImageProvenance;
  /** Why a reconcile repairs this push (titles it as a reconcile, like its direct commit would be). */
  readonly repairReason?: string;
}): RenderedProposal {
  const { push } = input;
  const message = renderCommitMessage({
    template: input.template,
    pushes: [push],
    changes: input.changes,
    ...(input.provenance === undefined ? {} : { provenance: new Map([[push, input.provenance]]) }),
    ...(input.repairReason === undefined ? {} : { repairReasons: new Map([[push, input.repairReason]]) }),
  });
  const trailer = proposalTrailer(push);
  const paragraphs = message.body === "" ? [] : message.body.split("\n\n");
  const last = paragraphs.at(-1);
  const body = last?.split("\n").every((line) => TRAILER_LINE.test(line))
    ? `${message.body}\n${trailer}`
    : [...paragraphs, trailer].join("\n\n");
  const lines = [...new Set(input.changes.map(describeChange))];
  const fence = "`".repeat(Math.max(3, longestBacktickRun(lines) + 1));
  const branch = proposalBranchName(push.imageRepository);
  const description = [
    push.manual === true
      ? `Proposes \`${push.imageRepository}:${push.tag}\`${push.digest === undefined ? "" : ` (digest \`${push.digest}\`)`}, asked for by hand at ${push.time.toISOString()}.`
      : `Proposes \`${push.imageRepository}:${push.tag}\`, pushed to ECR at ${push.time.toISOString()} with digest \`${push.digest}\`.`,
    "",
    `Changed values (file: path old → new):`,
    "",
    `${fence}text`,
    ...lines,
    fence,
    "",
    `heimdall rebuilds \`${branch}\` from the base branch on every push of \`${push.imageRepository}\` and ` +
      "updates this pull request, so it always holds exactly one commit on the current base. If anyone else " +
      "pushes a commit onto the branch, heimdall leaves branch and pull request alone from then on.",
  ].join("\n");
  return { headline: message.headline, body, title: message.headline, description };
}

function longestBacktickRun(lines: readonly string[]): number {
  let longest = 0;
  for (const line of lines)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
