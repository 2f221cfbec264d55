import { HeimdallError } from "../core/index.ts";

/** The Lambda's environment variables are missing or invalid; the message lists every problem. */
export class InvalidEnvironmentError extends HeimdallError {}
