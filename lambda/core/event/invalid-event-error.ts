import { HeimdallError } from "../heimdall-error.ts";

/** The event is not a well-formed ECR Image Action event; it is refused before anything is read. */
export class InvalidEventError extends HeimdallError {}
