import { HeimdallError } from "../heimdall-error.ts";

/** Aliases expand a document beyond what is safe to walk ("billion laughs"); the file is reported unparseable. */
export class AliasExpansionError extends HeimdallError {}
