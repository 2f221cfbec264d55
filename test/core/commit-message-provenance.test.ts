import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_COMMIT_MESSAGE } from "../../lambda/core/config/heimdall-config.ts";
import type { ManifestChange } from "../../lambda/core/edit/manifest-change.ts";
import type { EcrPush } from "../../lambda/core/event/ecr-push.ts";
import { renderCommitMessage } from "../../lambda/core/update/commit-message.ts";
import type { ImageProvenance } from "../../lambda/core/update/image-provenance-reader.ts";
import { provenanceFromLabels } from "../../lambda/core/update/provenance-from-labels.ts";
import { SEOUL_REGISTRY } from "../support/constants.ts";

/**
 * Golden commit messages: `golden/commit-message/<case>.txt` holds the headline, a blank line and the body,
 * exactly as `git log -1 --format=%B` would print it (plus the final newline). Compared byte for byte.
 */
const golden = (name: string) =>
  readFileSync(new URL(`golden/commit-message/${name}.txt`, import.meta.url), "utf8");
const asText = (message: { headline: string; body: string }) => `${message.headline}\n\n${message.body}\n`;

const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";

function push(repository: string, tag: string, digestByte: string, eventId: string): EcrPush {
  return {
    eventId,
    time: new Date("2026-11-20T10:00:00Z"),
    account: "405906814034",
    region: "ap-northeast-2",
    registry: SEOUL_REGISTRY,
    imageRepository: repository,
    tag,
    digest: `sha256:${digestByte.repeat(32)}`,
  };
}

function imageChange(file: string, repository: string, from: string, to: string): ManifestChange {
  const image = `${SEOUL_REGISTRY}/${repository}`;
  return {
    file,
    document: 0,
    path: "spec.template.spec.containers[0].image",
    oldValue: `${image}:${from}`,
    newValue: `${image}:${to}`,
    field: "image",
    matcher: "image-key",
    from: { tag: from, digest: undefined },
    to: { tag: to, digest: undefined },
  };
}

const timetable = push("snutt-dev/snutt-timetable", "46", "5f", "0d7e5c1a-3b2f-4a6e-9c8d-1f2e3a4b5c6d");
const timetableChange = imageChange(
  "apps/snutt-dev/snutt-timetable/deployment.yaml",
  "snutt-dev/snutt-timetable",
  "45",
  "46",
);
const github: ImageProvenance = {
  revision: SHA,
  source: "https://github.com/wafflestudio/snutt-timetable.git",
  created: "2026-11-20T09:58:12Z",
};

describe("commit messages with provenance (golden)", () => {
  it("links the source commit and ends with the digest and event trailers", () => {
    const message = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [timetable],
      changes: [timetableChange],
      provenance: new Map([[timetable, github]]),
    });
    expect(message.headline).toBe("Automated commit by ECR push (snutt-dev/snutt-timetable:46)");
    expect(asText(message)).toBe(golden("single-github"));
  });

  it("has only the trailers when the image has no labels", () => {
    const message = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [timetable],
      changes: [timetableChange],
      provenance: new Map([[timetable, {}]]),
    });
    expect(asText(message)).toBe(golden("single-no-labels"));
  });

  it("names each image's source in a batch and keeps one digest and event trailer pair per image", () => {
    const grafana = push("k8s-monitoring", "1.2.3", "a1", "7c0c8f5e-0000-4000-8000-000000000001");
    const message = renderCommitMessage({
      template: DEFAULT_COMMIT_MESSAGE,
      pushes: [timetable, grafana],
      changes: [
        timetableChange,
        imageChange("apps/k8s-monitoring/grafana/deployment.yaml", "k8s-monitoring", "1.2.2", "1.2.3"),
      ],
      provenance: new Map([
        [timetable, github],
        [grafana, { revision: "v1.2.3", source: "https://gitlab.example.com/ops/grafana" }],
      ]),
    });
    expect(asText(message)).toBe(golden("batch-mixed-sources"));
  });

  it("fills {revision} and {source} in a custom headline, 'unknown' when a label is missing", () => {
    const template = "deploy {repository}:{tag} from {source}@{revision}";
    const known = renderCommitMessage({
      template,
      pushes: [timetable],
      changes: [timetableChange],
      provenance: new Map([[timetable, github]]),
    });
    expect(known.headline).toBe(
      `deploy snutt-dev/snutt-timetable:46 from https://github.com/wafflestudio/snutt-timetable@${SHA}`,
    );
    const unknown = renderCommitMessage({ template, pushes: [timetable], changes: [timetableChange] });
    expect(unknown.headline).toBe("deploy snutt-dev/snutt-timetable:46 from unknown@unknown");
  });

  it("cannot be made to forge trailers or extra lines through labels or an event id", () => {
    const hostile = { ...timetable, eventId: "e1\nSigned-off-by: mallory <m@example.com>" };
    const labels = provenanceFromLabels({
      "org.opencontainers.image.revision": `${SHA}\n\nApproved-by: mallory`,
      "org.opencontainers.image.source": "https://github.com/wafflestudio/snutt-timetable\r\nX: y",
    });
    const message = renderCommitMessage({
      template: "deploy {revision}",
      pushes: [hostile],
      changes: [timetableChange],
      provenance: new Map([[hostile, labels]]),
    });
    expect(asText(message)).toBe(golden("hostile-labels"));
  });
});
