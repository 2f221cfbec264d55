import { HeimdallError } from "../core/index.ts";

/** The command line is wrong (unknown flag, missing argument); the CLI exits 2 and nothing is read. */
export class UsageError extends HeimdallError {}
