/**
 * Setup file of the `unit` vitest project: a unit test that spawns a process, opens a socket or serves HTTP
 * fails at once with a message saying where it belongs, instead of quietly making the fast set slow.
 * `vitest.config.ts` sorts test files into `unit` and `integration` by what they import; this catches what
 * that sort missed (an IO helper reached through another module).
 */
import childProcess from "node:child_process";
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

function forbid(what: string) {
  return () => {
    throw new Error(
      `${what} in a unit test: unit tests are pure (no processes, sockets or servers). Move the file to the ` +
        "integration project (import its IO helper from test/support so vitest.config.ts sorts it there).",
    );
  };
}

for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const) {
  Object.assign(childProcess, { [name]: forbid(`child_process.${name}`) });
}
for (const [label, module] of [
  ["http", http],
  ["https", https],
] as const) {
  Object.assign(module, {
    createServer: forbid(`${label}.createServer`),
    request: forbid(`${label}.request`),
    get: forbid(`${label}.get`),
  });
}
Object.assign(net, { createServer: forbid("net.createServer"), connect: forbid("net.connect") });
globalThis.fetch = forbid("fetch") as typeof fetch;
// ESM named imports of built-ins are bound once; this makes `import { spawn } from "node:child_process"` see the above.
syncBuiltinESMExports();
