import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../lambda/cli/exit-code-for.ts";
import { parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { InvalidConfigError } from "../../lambda/core/config/invalid-config-error.ts";

/** Parses `text` expecting a refusal, and returns the error for inspection. */
function refusal(text: string, path = ".heimdall.yaml"): InvalidConfigError {
  try {
    parseHeimdallConfig(path, text);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe("parseHeimdallConfig refusals", () => {
  it("quotes at most 80 characters of a bad regular expression", () => {
    const pattern = `(${"a".repeat(100_000)}`;
    const error = refusal(
      `version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    tags: '${pattern}'\n`,
    );
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain(`'(${"a".repeat(79)}…'`);
  });

  it.each([
    ["a NUL byte", "version: 1\nfallback: none\0\n", ".heimdall.yaml:2: is not text (it holds a NUL byte)"],
    ["a byte that is not UTF-8", "version: 1\n\n# caf\uFFFD\n", ".heimdall.yaml:3: is not valid UTF-8"],
  ])("refuses a file with %s, whatever YAML would make of it", (_, text, start) => {
    const error = refusal(text);
    expect(error.message.startsWith(start)).toBe(true);
    expect(error.message).toContain("heimdall reads its config only from a regular UTF-8 text file");
    expect(exitCodeFor(error)).toBe(2);
  });

  it("names file, line and key, and says what to do, for an invalid regular expression", () => {
    const text =
      "version: 1\ntargets:\n  - repository: a/*\n    paths: [apps/a/**]\n  - repository: b\n    paths: [apps/b/**]\n    tags: '^(v'\n";
    const error = refusal(text);
    expect(error.message).toBe(
      ".heimdall.yaml:7: targets[1].tags: invalid regular expression '^(v' — missing closing ); fix the pattern (RE2 syntax: no lookaround or backreferences)",
    );
    expect(error.file).toBe(".heimdall.yaml");
    expect(error.line).toBe(7);
    expect(error.key).toBe("targets[1].tags");
    expect(exitCodeFor(error)).toBe(2);
  });

  it.each([
    [
      "an unknown top-level key, with a suggestion",
      "version: 1\ntarget:\n  - repository: a\n",
      2,
      "target",
      /unknown key \(did you mean 'targets'\?\); allowed keys are version, commitMessage/,
    ],
    [
      "an unknown target key",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    branch: main\n",
      5,
      "targets[0].branch",
      /unknown key; allowed keys are repository, paths, tags, registries/,
    ],
    ["a missing version", "fallback: none\n", 1, "version", /is missing; add 'version: 1'/],
    [
      "an unsupported version",
      "version: 2\n",
      1,
      "version",
      /unsupported version '2'; this heimdall reads version: 1/,
    ],
    [
      "a wrong fallback",
      "version: 1\nfallback: never\n",
      2,
      "fallback",
      /must be 'convention' or 'none', got 'never'/,
    ],
    [
      "a string where a list is needed",
      "version: 1\nregistries: 111122223333.dkr.ecr.us-east-1.amazonaws.com\n",
      2,
      "registries",
      /must be a list/,
    ],
    ["an empty list", "version: 1\ntargets: []\n", 2, "targets", /must not be an empty list/],
    [
      "an empty paths list",
      "version: 1\ntargets:\n  - repository: a\n    paths: []\n",
      4,
      "targets[0].paths",
      /must not be an empty list/,
    ],
    [
      "a missing value",
      "version: 1\ncommitMessage:\n",
      2,
      "commitMessage",
      /must not be empty|must be a string/,
    ],
    [
      "a mapping where a string is needed",
      "version: 1\ntargets:\n  - repository: {a: b}\n    paths: [apps/a/**]\n",
      3,
      "targets[0].repository",
      /must be a string, got a mapping/,
    ],
    [
      "a target that is not a mapping",
      "version: 1\ntargets:\n  - snutt-dev/*\n",
      3,
      "targets[0]",
      /must be a mapping with the keys repository, paths, tags, registries/,
    ],
    [
      "a target without repository",
      "version: 1\ntargets:\n  - paths: [apps/a/**]\n",
      3,
      "targets[0].repository",
      /is missing; name the ECR repository/,
    ],
    [
      "a target without paths",
      "version: 1\ntargets:\n  - repository: a\n",
      3,
      "targets[0].paths",
      /is missing; list the manifest globs/,
    ],
    [
      "an absolute path",
      "version: 1\ntargets:\n  - repository: a\n    paths:\n      - apps/a/**\n      - /etc/**\n",
      6,
      "targets[0].paths[1]",
      /'\/etc\/\*\*': absolute paths are not allowed/,
    ],
    [
      "a path with ..",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/../x/**]\n",
      4,
      "targets[0].paths[0]",
      /'\.\.' is not allowed/,
    ],
    [
      "an invalid path glob",
      "version: 1\ntargets:\n  - repository: a\n    paths: ['apps/[a/**']\n",
      4,
      "targets[0].paths[0]",
      /invalid glob/,
    ],
    [
      "a directory without /**",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a]\n",
      4,
      "targets[0].paths[0]",
      /write 'apps\/a\/\*\*'/,
    ],
    [
      "only excludes",
      "version: 1\ntargets:\n  - repository: a\n    paths: ['!apps/a/**']\n",
      4,
      "targets[0].paths",
      /has only '!' excludes/,
    ],
    [
      "an invalid repository glob",
      "version: 1\ntargets:\n  - repository: 'a/[b'\n    paths: [apps/a/**]\n",
      3,
      "targets[0].repository",
      /invalid glob/,
    ],
    [
      "an uppercase repository",
      "version: 1\ntargets:\n  - repository: Snutt/*\n    paths: [apps/a/**]\n",
      3,
      "targets[0].repository",
      /ECR repository names are lowercase/,
    ],
    [
      "a repository with a leading /",
      "version: 1\ntargets:\n  - repository: /snutt\n    paths: [apps/a/**]\n",
      3,
      "targets[0].repository",
      /without leading, trailing or double '\/'/,
    ],
    [
      "a URL as registry",
      "version: 1\nregistries: ['https://111122223333.dkr.ecr.us-east-1.amazonaws.com']\n",
      2,
      "registries[0]",
      /is not a registry host; write only the host/,
    ],
    [
      "an unknown placeholder",
      "version: 1\ncommitMessage: 'deploy {image}'\n",
      2,
      "commitMessage",
      /unknown placeholder '\{image\}'; use \{repository\} \{tag\} \{digest\} \{registry\} \{revision\} \{source\}$/,
    ],
    [
      "a multi-line commit message",
      "version: 1\ncommitMessage: |\n  a\n  b\n",
      2,
      "commitMessage",
      /must be one line/,
    ],
    [
      "a paused that is not a boolean",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    paused: yes\n",
      5,
      "targets[0].paused",
      /must be 'true' or 'false', got 'yes'/,
    ],
    [
      "a pinDigest that is a list",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    pinDigest: [true]\n",
      5,
      "targets[0].pinDigest",
      /must be a string, got a list/,
    ],
    [
      "a pausedReason without paused",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    pausedReason: freeze\n",
      5,
      "targets[0].pausedReason",
      /has no effect without 'paused: true'/,
    ],
    [
      "a multi-line pausedReason",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    paused: true\n    pausedReason: |\n      a\n      b\n",
      6,
      "targets[0].pausedReason",
      /must be one line of at most 200 characters/,
    ],
    [
      "an unknown order",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    order: newest\n",
      5,
      "targets[0].order",
      /must be 'push-time' or 'semver', got 'newest'/,
    ],
    [
      "an invalid semver range",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    semver: '>=1.2 <'\n",
      5,
      "targets[0].semver",
      /'>=1\.2 <' is not a semver range; write a node-semver range such as '\^1\.2'/,
    ],
    [
      "a semver range that is a mapping",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    semver: {min: 1}\n",
      5,
      "targets[0].semver",
      /must be a string, got a mapping/,
    ],
    [
      "a misspelt policy key, with a suggestion",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    pause: true\n",
      5,
      "targets[0].pause",
      /unknown key \(did you mean 'paused'\?\); allowed keys are repository, paths, tags, registries, paused, pausedReason, pinDigest, order, semver/,
    ],
    [
      "an unquoted glob read as an alias",
      "version: 1\ntargets:\n  - repository: a\n    paths: [**/*.yaml]\n",
      4,
      "targets[0].paths[0]",
      /read as a YAML alias; quote values that start with '\*'/,
    ],
  ])("refuses %s", (_name, text, line, key, message) => {
    const error = refusal(text);
    expect(error.line).toBe(line);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`.heimdall.yaml:${line}: ${key}: `)).toBe(true);
  });

  it.each([
    ["a syntax error", "version: 1\ntargets: [a, b\n", 3, /YAML syntax error: .*; fix the YAML at that line/],
    [
      "a backslash in double quotes",
      'version: 1\ntargets:\n  - repository: a\n    tags: "^v\\d+$"\n',
      4,
      /write regular expressions in single quotes/,
    ],
    ["a duplicate key", "version: 1\nversion: 1\n", 2, /each key may appear once/],
    ["several documents", "version: 1\n---\nversion: 1\n", 2, /must be a single YAML document/],
  ])("refuses %s with its line and no key", (_name, text, line, message) => {
    const error = refusal(text, ".heimdall.yml");
    expect(error.line).toBe(line);
    expect(error.key).toBeUndefined();
    expect(error.file).toBe(".heimdall.yml");
    expect(error.message).toMatch(new RegExp(`^\\.heimdall\\.yml:${line}: `));
    expect(error.message).toMatch(message);
  });

  it("refuses an empty file and a file that is not a mapping", () => {
    expect(refusal("").message).toBe(".heimdall.yaml:1: the file is empty; start it with 'version: 1'");
    expect(refusal("# only a comment\n").line).toBe(1);
    expect(refusal("- version: 1\n").message).toMatch(
      /^\.heimdall\.yaml:1: must be a mapping with the keys version/,
    );
  });
});
