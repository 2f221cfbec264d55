import type { EditOutcome } from "../edit/edit-image-tags.ts";
import type { UpdateWarning } from "./update-warning.ts";

/**
 * The warning for a manifest the editor would not edit, with its code and 1-based line: `unparseable`,
 * `too-deep` or `unsupported-yaml`.
 *
 * @example
 * editSkipWarning("apps/a/t.yaml", { kind: "unparseable", line: 3, message: "Implicit keys …" });
 * // { code: "unparseable", file: "apps/a/t.yaml", line: 3, message: "skipped apps/a/t.yaml:3: not valid YAML (Implicit keys …)" }
 */
export function editSkipWarning(
  path: string,
  outcome: Exclude<EditOutcome, { readonly kind: "edited" }>,
): UpdateWarning {
  const where = `${path}:${outcome.line}`;
  const base = { file: path, line: outcome.line };
  switch (outcome.kind) {
    case "unparseable":
      return {
        ...base,
        code: "unparseable",
        message: `skipped ${where}: not valid YAML (${outcome.message})`,
      };
    case "too-deep":
      return { ...base, code: "too-deep", message: `skipped ${where}: ${outcome.message}` };
    case "unsupported":
      return { ...base, code: "unsupported-yaml", message: `skipped ${where}: ${outcome.message}` };
  }
}
