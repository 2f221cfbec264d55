import { createTwoFilesPatch } from "diff";
import { describeChange, describeSkipped, type UpdateReport } from "../core/index.ts";

/**
 * Renders what an update did (or, with `dryRun`, would do) as the CLI's human-readable lines: one line per
 * image, one per changed value and one per reference left alone (pinned, paused, a higher version), the
 * commit, warnings, and for a dry run the unified diff of every file.
 *
 * @example
 * formatReport(report, { dryRun: false });
 * // "updated snutt-dev/snutt-timetable:46 (2 values in 1 file)\n  apps/…/deployment.yaml …\ncommit 4f1c2ab …"
 */
export function formatReport(report: UpdateReport, options: { readonly dryRun: boolean }): string {
  const lines: string[] = [];
  for (const image of report.images) {
    const name = `${image.push.imageRepository}:${image.push.tag}`;
    if (image.outcome === "updated") {
      const files = new Set(image.changes.map((change) => change.file)).size;
      const verb = options.dryRun ? "would update" : "updated";
      lines.push(`${verb} ${name} (${plural(image.changes.length, "value")} in ${plural(files, "file")})`);
      for (const change of image.changes) lines.push(`  ${describeChange(change)}`);
    } else if (image.outcome === "no-change") {
      lines.push(`no change for ${name}: no manifest under the mapped paths needs it`);
    } else {
      lines.push(`no change for ${name} (${image.outcome}): ${image.reason ?? ""}`);
    }
    for (const skipped of image.skipped ?? []) lines.push(`  skipped ${describeSkipped(skipped)}`);
  }
  for (const warning of report.warnings) lines.push(`warning [${warning.code}]: ${warning.message}`);
  if (report.commit !== undefined) {
    lines.push(`commit ${report.commit.oid} ${report.commit.headline}`);
    if (report.commit.url !== undefined) lines.push(`  ${report.commit.url}`);
  } else if (!options.dryRun) {
    lines.push("no commit: nothing changed");
  }
  if (options.dryRun) {
    lines.push("dry run: nothing was written or committed");
    for (const file of report.files) {
      lines.push(createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before, file.after).trimEnd());
    }
  }
  return `${lines.join("\n")}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
