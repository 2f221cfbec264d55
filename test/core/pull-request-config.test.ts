import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../lambda/cli/exit-code-for.ts";
import { parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { InvalidConfigError } from "../../lambda/core/config/invalid-config-error.ts";
import { resolveTargets } from "../../lambda/core/config/resolve-targets.ts";
import { ecrPush } from "../support/ecr-push.ts";

const ISSUE_EXAMPLE = `version: 1
targets:
  - repository: snutt-dev/*
    paths: ["apps/snutt-dev/**"]
  - repository: snutt-prod/*
    paths: ["apps/snutt-prod/**"]
    pullRequest: {}
  - repository: snutt-prod/snutt-timetable
    paths: ["apps/snutt-prod/snutt-timetable/**"]
    pullRequest:
      autoMerge: squash
      labels: [deploy, prod, deploy]
      draft: false
`;

function refusal(text: string): InvalidConfigError {
  try {
    parseHeimdallConfig(".heimdall.yaml", text);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

const target = (pullRequest: string) =>
  `version: 1\ntargets:\n  - repository: a/*\n    paths: [apps/a/**]\n    pullRequest: ${pullRequest}\n`;

describe("pullRequest in .heimdall.yaml", () => {
  it("reads {} as the defaults and every key when given, labels without duplicates", () => {
    const config = parseHeimdallConfig(".heimdall.yaml", ISSUE_EXAMPLE);
    expect(config.targets.map((t) => t.pullRequest)).toEqual([
      undefined,
      { labels: [], draft: false },
      { autoMerge: "squash", labels: ["deploy", "prod"], draft: false },
    ]);
  });

  it("resolution carries each target's pullRequest; the convention and direct targets have none", () => {
    const config = parseHeimdallConfig(".heimdall.yaml", ISSUE_EXAMPLE);
    const prod = resolveTargets(ecrPush("snutt-prod/snutt-timetable", "46"), config);
    expect(prod.kind === "targets" && prod.targets.map((t) => t.pullRequest)).toEqual([
      { labels: [], draft: false },
      { autoMerge: "squash", labels: ["deploy", "prod"], draft: false },
    ]);
    const dev = resolveTargets(ecrPush("snutt-dev/snutt-timetable", "46"), config);
    expect(dev.kind === "targets" && dev.targets.map((t) => t.pullRequest)).toEqual([undefined]);
    const convention = resolveTargets(ecrPush("k8s/x", "1"), config);
    expect(convention.kind === "targets" && convention.targets.map((t) => t.pullRequest)).toEqual([
      undefined,
    ]);
  });

  it.each([
    [
      "an empty value",
      target(""),
      5,
      "targets[0].pullRequest",
      /is empty; write 'pullRequest: \{\}' for the defaults/,
    ],
    [
      "a scalar",
      target("yes"),
      5,
      "targets[0].pullRequest",
      /must be a mapping with the keys autoMerge, labels, draft/,
    ],
    [
      "an unknown key, with a suggestion",
      target("{ autoMerg: squash }"),
      5,
      "targets[0].pullRequest.autoMerg",
      /unknown key \(did you mean 'autoMerge'\?\); allowed keys are autoMerge, labels, draft/,
    ],
    [
      "a bad merge method",
      target("{ autoMerge: fast-forward }"),
      5,
      "targets[0].pullRequest.autoMerge",
      /must be 'merge', 'squash' or 'rebase', got 'fast-forward'/,
    ],
    [
      "labels that are not a list",
      target("{ labels: deploy }"),
      5,
      "targets[0].pullRequest.labels",
      /must be a list/,
    ],
    [
      "an empty label list",
      target("{ labels: [] }"),
      5,
      "targets[0].pullRequest.labels",
      /must not be an empty list/,
    ],
    [
      "a label longer than GitHub allows",
      target(`{ labels: [${"x".repeat(51)}] }`),
      5,
      "targets[0].pullRequest.labels[0]",
      /longer than GitHub's 50 characters/,
    ],
    [
      "a draft that is not a boolean",
      target("{ draft: maybe }"),
      5,
      "targets[0].pullRequest.draft",
      /must be 'true' or 'false'/,
    ],
    [
      "a draft that should auto-merge",
      target("{ draft: true, autoMerge: merge }"),
      5,
      "targets[0].pullRequest.draft",
      /GitHub cannot auto-merge a draft pull request/,
    ],
    [
      "a misspelled target key",
      "version: 1\ntargets:\n  - repository: a/*\n    paths: [apps/a/**]\n    pullRequests: {}\n",
      5,
      "targets[0].pullRequests",
      /did you mean 'pullRequest'/,
    ],
  ])("refuses %s with file, line and key (exit 2)", (_name, text, line, key, message) => {
    const error = refusal(text);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`.heimdall.yaml:${line}: ${key}: `)).toBe(true);
    expect(error.line).toBe(line);
    expect(error.key).toBe(key);
    expect(exitCodeFor(error)).toBe(2);
  });
});
