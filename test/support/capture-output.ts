/**
 * Collects what Powertools Logger and Metrics write (JSON lines through a Console bound to
 * `process.stdout`; WARN and ERROR go to `process.stderr`) while `run` executes, in write order, and
 * hands back the parsed JSON lines. Lambda sends both streams to CloudWatch, so both count as "the log".
 */
export async function captureOutput<T>(
  run: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[]; raw: string }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    }) as typeof stream.write;
  }
  let result: T;
  try {
    result = await run();
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index] ?? stream.write;
    });
  }
  const raw = chunks.join("");
  const lines = raw
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { result, lines, raw };
}

/** The summary lines (one per event) among captured log lines. */
export function summaryLines(lines: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((line) => typeof line.message === "string" && line.message.startsWith("ecr push "));
}

/** Sum of every EMF value of `metric` among captured lines. */
export function metricTotal(lines: readonly Record<string, unknown>[], metric: string): number {
  let total = 0;
  for (const line of lines) {
    if (line._aws === undefined) continue;
    const value = line[metric];
    if (typeof value === "number") total += value;
    else if (Array.isArray(value)) total += value.reduce((sum: number, item: number) => sum + item, 0);
  }
  return total;
}
