import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** What one child process (one Lambda container) did: per-invocation results and its parsed log lines. */
export interface ContainerRun {
  readonly exitCode: number | null;
  readonly results: readonly (
    | { readonly ok: unknown }
    | { readonly error: { name: string; message: string } }
  )[];
  readonly lines: readonly Record<string, unknown>[];
  /** stdout, then stderr. */
  readonly output: string;
}

const RUNNER = `
import { readFileSync, writeFileSync } from "node:fs";
const { BUNDLE_URL, EVENTS_FILE, RESULT_FILE } = process.env;
const context = {
  functionName: "ecr-heimdall", functionVersion: "$LATEST", memoryLimitInMB: "512",
  invokedFunctionArn: "arn:aws:lambda:ap-northeast-2:405906814034:function:ecr-heimdall",
  awsRequestId: "req-" + process.pid, logGroupName: "/aws/lambda/ecr-heimdall", logStreamName: "s",
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 60000,
};
const { handler } = await import(BUNDLE_URL);
const results = [];
for (const event of JSON.parse(readFileSync(EVENTS_FILE, "utf8"))) {
  try { results.push({ ok: await handler(event, context) }); }
  catch (error) { results.push({ error: { name: error.name, message: error.message } }); }
}
writeFileSync(RESULT_FILE, JSON.stringify(results));
`;

/**
 * Runs the BUILT bundle the way a Lambda container does: a fresh node process imports it once (cold
 * start, env validated at import) and invokes `handler` for each event in turn (warm invocations).
 * Asynchronous on purpose: the emulator and fake AWS endpoint live in the calling process.
 */
export async function invokeBundle(options: {
  readonly bundle: string;
  readonly workDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly events: readonly unknown[];
  readonly name: string;
}): Promise<ContainerRun> {
  const runner = join(options.workDir, "runner.mjs");
  const eventsFile = join(options.workDir, `${options.name}.events.json`);
  const resultFile = join(options.workDir, `${options.name}.result.json`);
  await writeFile(runner, RUNNER);
  await writeFile(eventsFile, JSON.stringify(options.events));
  await writeFile(resultFile, "[]");
  const child = spawn(process.execPath, [runner], {
    env: {
      PATH: process.env.PATH ?? "",
      BUNDLE_URL: pathToFileURL(options.bundle).href,
      EVENTS_FILE: eventsFile,
      RESULT_FILE: resultFile,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Kept apart so a line cannot be torn by the other stream's writes.
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const output = `${stdout.join("")}${stderr.join("")}`;
  const lines = output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { exitCode, results: JSON.parse(await readFile(resultFile, "utf8")), lines, output };
}
