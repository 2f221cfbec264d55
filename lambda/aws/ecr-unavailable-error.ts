import { HeimdallError } from "../core/index.ts";

/** ECR could not be asked when an image was pushed (throttling, outage); the event is retried. */
export class EcrUnavailableError extends HeimdallError {}
