/** `heimdall --help`. */
export const USAGE = `heimdall — apply an ECR push to a GitOps repository, exactly as the Lambda does.

Usage:
  heimdall apply --event <file|-> [--repo <dir>] [--config <file>] [--dry-run]
  heimdall apply --image <reference> [--repo <dir>] [--config <file>] [--dry-run]
  heimdall --help

  --event <file|->   the EventBridge "ECR Image Action" event as JSON ("-" reads stdin)
  --image <reference>
                     the pushed image instead of an event, for a rollback or promotion by hand:
                     <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>[@sha256:<digest>]
                     (without the digest, references that need one are skipped with a warning)
  --repo <dir>       a local git checkout of the GitOps repository (default: current directory);
                     the commit goes on the checked-out branch with the repository's git identity;
                     files of pullRequest: targets go to the local branch heimdall/<repository>
                     instead (one commit on HEAD; the checked-out branch and tree stay as they are)
  --config <file>    use this heimdall config instead of the repository's .heimdall.yaml
  --dry-run          print the unified diff (and each proposal branch's); write and commit nothing

Exit status: 0 updated, proposed, no change, ignored, paused, stale, blocked or tag refused (the
reason is printed);
2 invalid input (flags, event, image reference, repository name, tag or config; nothing was
changed); 1 anything else. Makes no network calls.
`;
