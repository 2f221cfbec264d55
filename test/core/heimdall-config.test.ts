import { describe, expect, it } from "vitest";
import {
  CONFIG_PATHS,
  DEFAULT_COMMIT_MESSAGE,
  DEFAULT_CONFIG,
  parseHeimdallConfig,
} from "../../lambda/core/config/heimdall-config.ts";

const FULL = `# heimdall config
version: 1
commitMessage: "deploy {repository}:{tag}"
registries:
  - 111122223333.dkr.ecr.us-east-1.amazonaws.com
fallback: none
targets:
  - repository: snutt-prod/*
    paths: ["apps/snutt-prod/**"]
    tags: '^v\\d+\\.\\d+\\.\\d+$'
  - repository: snutt-dev/snutt-timetable
    paths:
      - apps/snutt-dev/**
      - apps/snutt-dev-canary/**
      - "!apps/snutt-dev/legacy/**"
    registries: [222233334444.dkr.ecr.eu-west-1.amazonaws.com]
    paused: true
    pausedReason: "release freeze until 2026-12-01"
    pinDigest: "true"
    order: semver
    semver: ^1.2
`;

describe("constants", () => {
  it("pins the config file names and the default commit message", () => {
    expect(CONFIG_PATHS).toEqual([".heimdall.yaml", ".heimdall.yml"]);
    expect(DEFAULT_COMMIT_MESSAGE).toBe("Automated commit by ECR push ({repository}:{tag})");
  });

  it("DEFAULT_CONFIG is the convention with no extras", () => {
    expect(DEFAULT_CONFIG).toEqual({
      commitMessage: "Automated commit by ECR push ({repository}:{tag})",
      registries: [],
      fallback: "convention",
      targets: [],
    });
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
  });
});

describe("parseHeimdallConfig", () => {
  it("accepts every placeholder in commitMessage, {revision} and {source} included", () => {
    const template = "deploy {repository}:{tag} {digest} {registry} from {source}@{revision}";
    const config = parseHeimdallConfig(".heimdall.yaml", `version: 1\ncommitMessage: "${template}"\n`);
    expect(config.commitMessage).toBe(template);
  });

  it("reads every key", () => {
    expect(parseHeimdallConfig(".heimdall.yaml", FULL)).toEqual({
      file: ".heimdall.yaml",
      commitMessage: "deploy {repository}:{tag}",
      registries: ["111122223333.dkr.ecr.us-east-1.amazonaws.com"],
      fallback: "none",
      targets: [
        {
          name: "targets[0]",
          repository: "snutt-prod/*",
          paths: ["apps/snutt-prod/**"],
          tags: "^v\\d+\\.\\d+\\.\\d+$",
          registries: [],
          paused: false,
          pinDigest: false,
          order: "push-time",
        },
        {
          name: "targets[1]",
          repository: "snutt-dev/snutt-timetable",
          paths: ["apps/snutt-dev/**", "apps/snutt-dev-canary/**", "!apps/snutt-dev/legacy/**"],
          registries: ["222233334444.dkr.ecr.eu-west-1.amazonaws.com"],
          paused: true,
          pausedReason: "release freeze until 2026-12-01",
          pinDigest: true,
          order: "semver",
          semver: "^1.2",
        },
      ],
    });
  });

  it("defaults everything but version", () => {
    expect(parseHeimdallConfig(".heimdall.yml", "version: 1\n")).toEqual({
      ...DEFAULT_CONFIG,
      file: ".heimdall.yml",
    });
  });

  it("reads plain numbers and CRLF line endings as strings", () => {
    const config = parseHeimdallConfig(
      ".heimdall.yaml",
      "\uFEFFversion: 1\r\ntargets:\r\n  - repository: '123'\r\n    paths: [apps/x/**]\r\n    tags: 46\r\n",
    );
    expect(config.targets[0]?.tags).toBe("46");
    expect(config.targets[0]?.repository).toBe("123");
  });

  it("reads paused: false, and pausedReason kept beside it", () => {
    const config = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\ntargets:\n  - repository: a\n    paths: [apps/a/**]\n    paused: false\n    pausedReason: thawed\n",
    );
    expect(config.targets[0]).toMatchObject({ paused: false, pausedReason: "thawed" });
  });

  it("lowercases and deduplicates registry hosts", () => {
    const config = parseHeimdallConfig(
      ".heimdall.yaml",
      "version: 1\nregistries: [Registry.Example.com:5000, registry.example.com:5000]\n",
    );
    expect(config.registries).toEqual(["registry.example.com:5000"]);
  });
});
