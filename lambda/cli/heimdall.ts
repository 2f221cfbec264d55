import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
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
import { readCommandLine } from "./read-command-line.ts";
import { USAGE } from "./usage.ts";
import { UsageError } from "./usage-error.ts";

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
    const args = readCommandLine(argv);
    if (typeof args === "object" && "problem" in args) {
      throw new UsageError(args.problem, args.cause === undefined ? {} : { cause: args.cause });
    }
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
