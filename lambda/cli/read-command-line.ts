import { parseArgs } from "node:util";

/** What `apply` was asked to do; the push comes from exactly one of `--event` and `--image`. */
export type ApplyArgs = { repo: string; config: string | undefined; dryRun: boolean } & (
  | { source: "event"; event: string }
  | { source: "image"; image: string }
);

/** A command line `heimdall` cannot run: what is wrong, phrased for the user. */
export interface CommandLineProblem {
  readonly problem: string;
  readonly cause?: unknown;
}

/**
 * Reads `heimdall`'s command line: `"help"` for `--help`, `-h`, `help` or no command at all, what `apply` was
 * asked to do, or the problem with it (unknown flags or commands, `--event` and `--image` together or
 * neither). Returns problems instead of throwing, and imports nothing but `node:util`, so the executable can
 * answer `--help` without loading the engine; `main` turns a problem into a `UsageError` (exit status 2).
 *
 * @example
 * readCommandLine(["apply", "--event", "push.json", "--dry-run"]);
 * // { source: "event", event: "push.json", repo: ".", config: undefined, dryRun: true }
 * readCommandLine(["deploy"]); // { problem: "unknown command 'deploy' — the command is 'apply'; see heimdall --help" }
 */
export function readCommandLine(argv: readonly string[]): "help" | ApplyArgs | CommandLineProblem {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    return { problem: `${(cause as Error).message} — see heimdall --help`, cause };
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals[0] === "help" || positionals.length === 0) return "help";
  if (positionals[0] !== "apply" || positionals.length > 1) {
    return {
      problem: `unknown command '${positionals.join(" ")}' — the command is 'apply'; see heimdall --help`,
    };
  }
  const common = { repo: values.repo ?? ".", config: values.config, dryRun: values["dry-run"] === true };
  if (values.event !== undefined && values.image !== undefined) {
    return { problem: "apply takes --event or --image, not both — see heimdall --help" };
  }
  if (values.image !== undefined) return { ...common, source: "image", image: values.image };
  if (values.event === undefined) {
    return { problem: "apply needs --event <file|-> or --image <reference> — see heimdall --help" };
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
