import { HeimdallError } from "../core/index.ts";

/** The local git checkout cannot be read or committed to. */
export class LocalRepoError extends HeimdallError {}
