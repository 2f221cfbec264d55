import picomatch from "picomatch";
import { isUnderRoot } from "./is-under-root.ts";
import { isYamlFile } from "./is-yaml-file.ts";
import { minimalRoots } from "./minimal-roots.ts";

/**
 * A compiled set of repository path globs: which manifest files a target may edit, and which
 * directories must be read to find them.
 */
export interface PathGlobs {
  /**
   * True when `path` (repository-relative, `/`-separated, no leading `./`) is a `.yaml`/`.yml` file
   * that matches at least one include glob and no `!` exclude glob.
   */
  matches(path: string): boolean;
  /**
   * The static directory prefixes of the include globs, without trailing slash; `""` is the whole
   * tree. Deduplicated, sorted and minimal: no root lies inside another one.
   */
  readonly roots: readonly string[];
}

// Braces and extglobs are supported; unbalanced brackets are refused instead of silently
// becoming literals, so a typo is reported rather than matching nothing.
const PICOMATCH_OPTIONS = { dot: true, strictBrackets: true, nonegate: true } as const;

/**
 * Says what is wrong with one path glob as written in a config file, or `undefined` when it is
 * usable. A leading `!` marks an exclude glob and is checked without it.
 *
 * Refused: empty globs, absolute paths, `\` separators, `.`/`..`/empty segments (paths are always
 * repository-relative and normalized), unbalanced brackets, and plain paths that name no
 * `.yaml`/`.yml` file (a directory needs `/**`).
 *
 * @example
 * findPathGlobProblem("apps/snutt-dev/**"); // undefined
 * findPathGlobProblem("../secrets/**");     // "'..' is not allowed: …"
 */
export function findPathGlobProblem(glob: string): string | undefined {
  const body = glob.startsWith("!") ? glob.slice(1) : glob;
  if (body === "") return "a glob must not be empty";
  if (body.startsWith("/") || /^[A-Za-z]:/.test(body)) {
    return "absolute paths are not allowed; write a path relative to the repository root, e.g. 'apps/snutt-dev/**'";
  }
  if (/\\(?![*?[\]{}()!+@|])/.test(body)) {
    return "use '/' as the path separator ('\\' only escapes glob characters)";
  }
  const segments = body.split("/");
  if (segments.includes("..")) return "'..' is not allowed; paths must stay inside the repository";
  if (segments.includes(".")) return "'.' segments are not allowed; write the path without './'";
  if (segments.includes("")) return "empty path segments ('//' or a trailing '/') are not allowed";
  try {
    picomatch.makeRe(body, PICOMATCH_OPTIONS);
  } catch (error) {
    return `invalid glob: ${error instanceof Error ? error.message : String(error)}`;
  }
  const scan = picomatch.scan(body);
  if (!scan.isGlob && !isYamlFile(body)) {
    return `'${body}' names no .yaml/.yml file; to match a whole directory write '${body}/**'`;
  }
  return undefined;
}

/**
 * Compiles path globs once. Globs starting with `!` exclude what they match; at least one include
 * glob is required. Matching is done with picomatch (`dot: true`, so dot-directories match like any
 * other), and only `.yaml`/`.yml` paths ever match whatever the globs say.
 *
 * Throws `RangeError` for a glob {@link findPathGlobProblem} refuses, or when there is no include
 * glob; config parsing checks first and reports such globs with their file and line.
 *
 * @example
 * const globs = compilePathGlobs(["apps/snutt-dev/**", "!apps/snutt-dev/legacy/**"]);
 * globs.roots;                                          // ["apps/snutt-dev"]
 * globs.matches("apps/snutt-dev/api/deployment.yaml");  // true
 * globs.matches("apps/snutt-dev/api/README.md");        // false
 */
export function compilePathGlobs(globs: readonly string[]): PathGlobs {
  const includes: string[] = [];
  const excludes: string[] = [];
  for (const glob of globs) {
    const problem = findPathGlobProblem(glob);
    if (problem !== undefined) throw new RangeError(`path glob '${glob}': ${problem}`);
    if (glob.startsWith("!")) excludes.push(glob.slice(1));
    else includes.push(glob);
  }
  if (includes.length === 0) {
    throw new RangeError(
      `path globs [${globs.join(", ")}] include nothing; add at least one glob without '!'`,
    );
  }
  const included = picomatch(includes, PICOMATCH_OPTIONS);
  const excluded = excludes.length > 0 ? picomatch(excludes, PICOMATCH_OPTIONS) : () => false;
  const roots = minimalRoots(includes.map(staticRoot));
  return {
    roots,
    // `dir/**` also matches `dir` itself; requiring a root keeps `matches` within what is read.
    matches: (path) =>
      isYamlFile(path) && included(path) && !excluded(path) && roots.some((root) => isUnderRoot(path, root)),
  };
}

/** The directory to read for one include glob: its static prefix, or the folder of a plain file path. */
function staticRoot(glob: string): string {
  const scan = picomatch.scan(glob);
  if (scan.isGlob) return unescapeGlob(scan.base);
  const slash = glob.lastIndexOf("/");
  return slash < 0 ? "" : unescapeGlob(glob.slice(0, slash));
}

// A base such as `apps/x\*y` names the literal directory `apps/x*y`.
function unescapeGlob(base: string): string {
  return base.replace(/\\(.)/g, "$1");
}
