/**
 * `npm start`: the whole job on an embedded default, with no AWS and no GitHub. Copies the sample Argo CD
 * app-of-apps repository from `fixtures/app-of-apps/before` into a temp git repository, applies the sample
 * ECR push event through the real CLI, and shows the commit it made with its diff.
 */
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGit } from "../local/run-git.ts";
import { main } from "./heimdall.ts";

const sample = fileURLToPath(new URL("../../fixtures/app-of-apps/", import.meta.url));
const repo = await mkdtemp(join(tmpdir(), "heimdall-demo-"));
await cp(join(sample, "before"), repo, { recursive: true });
await runGit(repo, ["init", "--quiet", "--initial-branch=main"]);
await runGit(repo, ["config", "user.name", "GitOps Demo"]);
await runGit(repo, ["config", "user.email", "gitops-demo@example.invalid"]);
await runGit(repo, ["add", "--all"]);
await runGit(repo, ["commit", "--quiet", "--message", "Initial GitOps repository"]);

const event = join(sample, "event.json");
process.stdout.write(`$ heimdall apply --event ${event} --repo ${repo}\n`);
const status = await main(["apply", "--event", event, "--repo", repo]);
if (status === 0) {
  process.stdout.write("\n$ git show --stat --patch HEAD\n");
  process.stdout.write(await runGit(repo, ["-c", "color.ui=never", "show", "--stat", "--patch", "HEAD"]));
}
process.exitCode = status;
