#!/usr/bin/env node
// The published entry point: tsx runs the TypeScript sources directly, so `npx heimdall` needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./heimdall.ts");
process.exitCode = await main(process.argv.slice(2));
