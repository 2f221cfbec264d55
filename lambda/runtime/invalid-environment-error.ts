import { HeimdallError } from "../core/index.ts";

/** One invalid or missing environment variable and what to set it to. */
export interface EnvironmentProblem {
  /** The variable, e.g. `GITOPS_REPO`. */
  readonly variable: string;
  /** What is wrong and what to do, starting with the variable's name. */
  readonly message: string;
}

/**
 * The Lambda's environment variables are missing or invalid; the message lists every problem, and
 * `problems` carries them one by one so the CDK construct can name its own keys for them.
 *
 * @example
 * new InvalidEnvironmentError([{ variable: "GITOPS_REPO", message: "GITOPS_REPO is not set — …" }]);
 */
export class InvalidEnvironmentError extends HeimdallError {
  readonly problems: readonly EnvironmentProblem[];

  constructor(problems: readonly EnvironmentProblem[]) {
    super(`invalid Lambda configuration:\n  - ${problems.map((problem) => problem.message).join("\n  - ")}`);
    this.problems = problems;
  }
}
