import { HeimdallError } from "../heimdall-error.ts";

/**
 * How deep collections may nest in a manifest heimdall edits, counted while the file is parsed (before the
 * recursive stages run) and again while aliases are followed. Real manifests stay far below it (a CRD's
 * schema reaches a few dozen levels); thousands of levels exhaust the stack, and V8 may then die with an
 * uncatchable "RegExpCompiler Allocation failed" instead of throwing.
 */
export const MAX_NESTING_DEPTH = 256;

/** A manifest nests deeper than {@link MAX_NESTING_DEPTH}; it is skipped with a `too-deep` warning. */
export class NestingTooDeepError extends HeimdallError {}
