import { HeimdallError } from "../heimdall-error.ts";

/** An edit would change more than the intended values; the file is not written. */
export class UnsafeEditError extends HeimdallError {}
