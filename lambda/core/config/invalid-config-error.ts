import { HeimdallError } from "../heimdall-error.ts";

/** The GitOps repository's heimdall config file is invalid; the message names file, line and key. */
export class InvalidConfigError extends HeimdallError {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly key: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
