import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type EcrPush,
  HeimdallError,
  parseEcrEvent,
  pushFromImageReference,
  updateManifests,
} from "../core/index.ts";
import { createLocalGitOps } from "../local/create-local-gitops.ts";
import { exitCodeFor } from "./exit-code-for.ts";
import { formatReport } from "./format-report.ts";
import { UsageError } from "./usage-error.ts";

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
                     the commit goes on the checked-out branch with the repository's git identity
  --config <file>    use this heimdall config instead of the repository's .heimdall.yaml
  --dry-run          print the unified diff; write and commit nothing

Exit status: 0 updated, no change, ignored, paused, stale or tag refused (the reason is printed);
2 invalid input (flags, event, image reference, repository name, tag or config; nothing was
changed); 1 anything else. Makes no network calls.
`;

/** Where the CLI talks to; injectable so tests run it in-process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly cwd: string;
}

/**
 * Runs `heimdall` with `argv` (without `node` and script) and resolves with the exit status.
 * Never throws: errors become one line on stderr, `heimdall: <what failed — what to do>`.
 *
 * @example
 * const status = await main(["apply", "--event", "push.json", "--repo", "../gitops", "--dry-run"]);
 */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const cwd = io.cwd ?? process.cwd();
  try {
    const args = parseCommandLine(argv);
    if (args === "help") {
      out(USAGE);
      return 0;
    }
    let push: EcrPush;
    if (args.source === "image") {
      push = pushFromImageReference(args.image, { eventId: `manual-${randomUUID()}`, time: new Date() });
    } else {
      const eventText =
        args.event === "-"
          ? await (io.readStdin ?? readStdin)()
          : await readInput(resolve(cwd, args.event), "event");
      const parsed = parseEcrEvent(eventText);
      if (parsed.kind === "ignored") {
        out(`ignored: ${parsed.reason}\n`);
        return 0;
      }
      push = parsed.push;
    }
    const configOverride =
      args.config === undefined
        ? undefined
        : { path: args.config, text: await readInput(resolve(cwd, args.config), "config") };
    const report = await updateManifests({
      pushes: [push],
      gitops: createLocalGitOps({ dir: resolve(cwd, args.repo) }),
      dryRun: args.dryRun,
      ...(configOverride === undefined ? {} : { configOverride }),
    });
    out(formatReport(report, { dryRun: args.dryRun }));
    return 0;
  } catch (error) {
    if (error instanceof HeimdallError) {
      err(`heimdall: ${error.message}\n`);
      return exitCodeFor(error);
    }
    err(`heimdall: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** What `apply` was asked to do; the push comes from exactly one of `--event` and `--image`. */
type ApplyArgs = { repo: string; config: string | undefined; dryRun: boolean } & (
  | { source: "event"; event: string }
  | { source: "image"; image: string }
);

function parseCommandLine(argv: readonly string[]): "help" | ApplyArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message} — see heimdall --help`, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals[0] === "help" || positionals.length === 0) return "help";
  if (positionals[0] !== "apply" || positionals.length > 1) {
    throw new UsageError(
      `unknown command '${positionals.join(" ")}' — the command is 'apply'; see heimdall --help`,
    );
  }
  const common = { repo: values.repo ?? ".", config: values.config, dryRun: values["dry-run"] === true };
  if (values.event !== undefined && values.image !== undefined) {
    throw new UsageError("apply takes --event or --image, not both — see heimdall --help");
  }
  if (values.image !== undefined) return { ...common, source: "image", image: values.image };
  if (values.event === undefined) {
    throw new UsageError("apply needs --event <file|-> or --image <reference> — see heimdall --help");
  }
  return { ...common, source: "event", event: values.event };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      event: { type: "string" },
      image: { type: "string" },
      repo: { type: "string" },
      config: { type: "string" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new UsageError(
      `could not read the ${what} file '${path}': ${(cause as NodeJS.ErrnoException).code ?? cause}`,
      {
        cause,
      },
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
