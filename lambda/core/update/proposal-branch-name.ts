/** Where every proposal branch lives: `heimdall/<image repository>`. */
export const PROPOSAL_BRANCH_PREFIX = "heimdall/";

/**
 * The head branch of an image's pull request: one per ECR repository (and base branch), kept current by
 * every push of that image instead of a new branch per tag.
 *
 * @example
 * proposalBranchName("snutt-prod/snutt-timetable"); // "heimdall/snutt-prod/snutt-timetable"
 */
export function proposalBranchName(imageRepository: string): string {
  return `${PROPOSAL_BRANCH_PREFIX}${imageRepository}`;
}
