/**
 * The `heimdall` executable's entry: `scripts/build-cli.mjs` bundles it (with everything it imports) into
 * `dist/cli/`, `heimdall.mjs` being what `package.json`'s `bin` points at, so the CLI starts as plain
 * JavaScript with no TypeScript loader at run time.
 *
 * `--help` is answered from the command-line parser alone; the engine (yaml, globs, git) is imported only
 * for a command that needs it, so asking for help costs little more than starting Node. Anything the parser
 * refuses goes to `main`, which reports it.
 *
 * @example
 * // node dist/cli/heimdall.mjs apply --event push.json --repo ../gitops --dry-run
 */
import { readCommandLine } from "./read-command-line.ts";
import { USAGE } from "./usage.ts";

const argv = process.argv.slice(2);
if (readCommandLine(argv) === "help") {
  process.stdout.write(USAGE);
} else {
  const { main } = await import("./heimdall.ts");
  process.exitCode = await main(argv);
}
