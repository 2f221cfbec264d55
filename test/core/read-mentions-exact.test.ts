import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseHeimdallConfig } from "../../lambda/core/config/heimdall-config.ts";
import { planUpdate } from "../../lambda/core/update/plan-update.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";
import { ecrPush } from "../support/ecr-push.ts";

// `ReadRequest.mentions` lets an adapter leave out the files that contain none of the pushed image
// repositories. That is only sound while the planner's answer does not depend on those files: this holds it
// to that, over files that mention, half-mention, mis-spell, break or oversize the references.
const REPOSITORIES = ["snutt-dev/api", "snutt-dev/api-worker", "platform/log-shipper", "web"];

const CONFIG = parseHeimdallConfig(
  ".heimdall.yaml",
  `version: 1
targets:
  - repository: platform/log-shipper
    paths: ["apps/**"]
  - repository: web
    paths: ["apps/a/**"]
    order: semver
`,
);

const line = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...REPOSITORIES, "snutt-dev/ap", "other/web"),
      fc.constantFrom("1", "1.2.0", "2.0.0"),
    )
    .map(([repository, tag]) => `image: ${SEOUL_REGISTRY}/${repository}:${tag}`),
  fc.constantFrom(...REPOSITORIES).map((repository) => `# ${repository} is documented here`),
  fc.constantFrom(
    "kind: Deployment",
    "---",
    "  - name: x",
    "key: [unclosed",
    "bad: \uFFFD",
    "a: &x 1",
    "b: *x",
  ),
  fc.constantFrom(...REPOSITORIES).map((repository) => `x: ${"y".repeat(300)} ${repository}`),
);

const tree = fc.dictionary(
  fc
    .constantFrom("apps/a/", "apps/b/", "apps/snutt-dev/x/")
    .chain((dir) => fc.stringMatching(/^[a-c]{1,3}$/).map((name) => `${dir}${name}.yaml`)),
  fc.array(line, { maxLength: 8 }).map((lines) => `${lines.join("\n")}\n`),
  { maxKeys: 8 },
);

describe("narrowing reads to the files that mention a pushed repository", () => {
  it("plans exactly what planning over every file plans", () => {
    fc.assert(
      fc.property(
        tree,
        fc.subarray(REPOSITORIES, { minLength: 1 }),
        fc.constantFrom("2.0.0", "1.5.0", "3"),
        fc.boolean(),
        (files, repositories, tag, convention) => {
          const pushes = repositories.map((repository) => ecrPush(repository, tag));
          const config = convention ? DEFAULT_CONFIG : CONFIG;
          const all = new Map(Object.entries(files));
          const narrowed = new Map(
            [...all].filter(([, text]) => repositories.some((repository) => text.includes(repository))),
          );
          // 200 bytes: some generated files are over the size limit, so `too-large` is covered too.
          const expected = planUpdate({ pushes, files: all, config, maxFileBytes: 200 });
          const actual = planUpdate({ pushes, files: narrowed, config, maxFileBytes: 200 });
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
