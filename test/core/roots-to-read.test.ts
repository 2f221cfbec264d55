import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { rootsToRead } from "../../lambda/core/config/roots-to-read.ts";
import { ecrPush } from "../support/ecr-push.ts";

const config = (text: string) => parseHeimdallConfig(".heimdall.yaml", `version: 1\n${text}`);

describe("rootsToRead", () => {
  it("reads what the pushes' targets cover", () => {
    expect(rootsToRead([ecrPush("snutt-dev/api", "1")], DEFAULT_CONFIG)).toEqual(["apps/snutt-dev"]);
  });

  it("reads every target's folders, and apps/ under the convention, for the reconcile", () => {
    expect(rootsToRead("all", DEFAULT_CONFIG)).toEqual(["apps"]);
    const targets =
      "targets:\n  - repository: a/*\n    paths: ['deploy/a/**', '!deploy/a/legacy/**']\n  - repository: b/*\n    paths: ['deploy/a/b/**', 'charts/b/values.yaml']\n";
    expect(rootsToRead("all", config(`fallback: none\n${targets}`))).toEqual(["charts/b", "deploy/a"]);
    expect(rootsToRead("all", config(targets))).toEqual(["apps", "charts/b", "deploy/a"]);
    expect(rootsToRead("all", config("fallback: none\n"))).toEqual([]);
  });
});
