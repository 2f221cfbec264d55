import { createTwoFilesPatch } from "diff";
import {
  describeChange,
  describeSkipped,
  type ImageReport,
  type ProposalReport,
  type UpdateReport,
} from "../core/index.ts";

/**
 * Renders what an update did (or, with `dryRun`, would do) as the CLI's human-readable lines: one line per
 * image, one per changed value and one per reference left alone (pinned, paused, a higher version), the
 * commit, each pull request branch, warnings, and for a dry run the unified diff of every file — the
 * checked-out branch's first, then each proposal branch's.
 *
 * @example
 * formatReport(report, { dryRun: false });
 * // "updated snutt-dev/snutt-timetable:46 (2 values in 1 file)\n  apps/…/deployment.yaml …\ncommit 4f1c2ab …"
 */
export function formatReport(report: UpdateReport, options: { readonly dryRun: boolean }): string {
  const lines: string[] = [];
  for (const image of report.images) {
    const name = `${image.push.imageRepository}:${image.push.tag}`;
    if (image.changes.length > 0 && image.outcome !== "stale") {
      lines.push(`${options.dryRun ? "would update" : "updated"} ${name} (${counted(image.changes)})`);
      for (const change of image.changes) lines.push(`  ${describeChange(change)}`);
    }
    if (image.proposal !== undefined) {
      lines.push(...proposalLines(name, image.proposal, options.dryRun));
    } else if (image.changes.length === 0 && image.outcome === "no-change") {
      lines.push(`no change for ${name}: no manifest under the mapped paths needs it`);
    } else if (image.changes.length === 0 || image.outcome === "stale") {
      lines.push(`no change for ${name} (${image.outcome}): ${image.reason ?? ""}`);
    }
    for (const skipped of image.skipped ?? []) lines.push(`  skipped ${describeSkipped(skipped)}`);
  }
  for (const warning of report.warnings) lines.push(`warning [${warning.code}]: ${warning.message}`);
  if (report.commit !== undefined) {
    lines.push(`commit ${report.commit.oid} ${report.commit.headline}`);
    if (report.commit.url !== undefined) lines.push(`  ${report.commit.url}`);
  } else if (!options.dryRun) {
    lines.push(proposals(report).length > 0 ? "no commit on the branch" : "no commit: nothing changed");
  }
  if (options.dryRun) {
    lines.push("dry run: nothing was written or committed");
    for (const file of report.files) lines.push(patch(file));
    for (const proposal of proposals(report).filter((p) => p.outcome === "proposed")) {
      lines.push(`branch ${proposal.branch} (one commit on the checked-out HEAD):`);
      for (const file of proposal.files) lines.push(patch(file));
    }
  }
  return `${lines.join("\n")}\n`;
}

function proposalLines(name: string, proposal: ProposalReport, dryRun: boolean): string[] {
  if (proposal.outcome === "blocked") return [`blocked ${name}: ${proposal.reason ?? ""}`];
  if (proposal.outcome === "no-change")
    return [`no change for ${name} on ${proposal.branch}: ${proposal.reason ?? ""}`];
  const lines = [
    `${dryRun ? "would propose" : "proposed"} ${name} on branch ${proposal.branch} (${counted(proposal.changes)})`,
    ...proposal.changes.map((change) => `  ${describeChange(change)}`),
  ];
  if (proposal.commit !== undefined) lines.push(`  commit ${proposal.commit.oid} on ${proposal.branch}`);
  if (proposal.pullRequest !== undefined) {
    const merged = proposal.pullRequest.merged === true ? " (merged)" : "";
    lines.push(`  pull request #${proposal.pullRequest.number}${merged} ${proposal.pullRequest.url}`);
  }
  return lines;
}

function proposals(report: UpdateReport): ProposalReport[] {
  return report.images.flatMap((image: ImageReport) =>
    image.proposal === undefined ? [] : [image.proposal],
  );
}

function patch(file: { readonly path: string; readonly before: string; readonly after: string }): string {
  return createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before, file.after).trimEnd();
}

function counted(changes: readonly { readonly file: string }[]): string {
  const files = new Set(changes.map((change) => change.file)).size;
  return `${plural(changes.length, "value")} in ${plural(files, "file")}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
