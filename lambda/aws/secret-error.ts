import { HeimdallError } from "../core/index.ts";

/** The GitHub App secret cannot be read or does not hold what it must. */
export class SecretError extends HeimdallError {}
