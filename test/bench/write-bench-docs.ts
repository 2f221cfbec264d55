import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchRow } from "./engine-bench.ts";

const DOCS = join(import.meta.dirname, "../../docs/benchmarks.md");
const BEGIN =
  "<!-- bench:begin (written by `npm run bench -- --write-docs`; edit test/bench/, not this block) -->";
const END = "<!-- bench:end -->";

/**
 * Replaces the block between the markers in docs/benchmarks.md with one table per bench section, as measured
 * in this run; the prose around it stays. Returns the file written.
 *
 * @example
 * await writeBenchDocs("Node v20.20.2, 2 CPUs, …", [{ title: "CLI start-up", rows }]);
 */
export async function writeBenchDocs(
  machine: string,
  sections: readonly { readonly title: string; readonly rows: readonly BenchRow[] }[],
): Promise<string> {
  const text = await readFile(DOCS, "utf8");
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin === -1 || end < begin) throw new Error(`${DOCS} lacks the ${BEGIN} … ${END} markers`);
  const cell = (value: string) => value.replaceAll("|", "\\|");
  const tables = sections.map(({ title, rows }) =>
    [
      `**${title}**`,
      "",
      "| What | Measured |",
      "| --- | --- |",
      ...rows.map((row) => `| ${cell(row.name)} | ${cell(row.value)} |`),
    ].join("\n"),
  );
  const block = [
    BEGIN,
    "",
    `Measured with \`npm run bench\` (${machine}).`,
    "",
    tables.join("\n\n"),
    "",
    END,
  ].join("\n");
  await writeFile(DOCS, text.slice(0, begin) + block + text.slice(end + END.length));
  return DOCS;
}
