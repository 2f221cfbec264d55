import { RE2JS } from "re2js";

/** A compiled `tags` filter: `test` says whether the pattern occurs anywhere in a tag (search, not anchored). */
export interface TagPattern {
  test(tag: string): boolean;
}

/**
 * Compiles a `.heimdall.yaml` `tags` pattern with RE2 (the re2js port), whose matching time is linear in the
 * tag's length whatever the pattern: a repository's config can no longer stall the function with a
 * catastrophically backtracking pattern such as `^v?(\d+\.?)+$`. RE2 syntax is JavaScript's minus lookaround and
 * backreferences, which are refused here.
 *
 * @throws the engine's syntax error (`error parsing regexp: missing closing ): …`) for an invalid pattern.
 * @example
 * compileTagPattern("^v\\d+\\.\\d+\\.\\d+$").test("v1.2.3"); // true
 * compileTagPattern("^v?(\\d+\\.?)+$").test(`${"1".repeat(30)}-rc1`); // false, at once
 */
export function compileTagPattern(source: string): TagPattern {
  return RE2JS.compile(source);
}
