import { parse } from "yaml";

const answers = new Map<string, boolean>();
const MAX_ANSWERS = 1024;

/**
 * Whether `value`, written as a plain (unquoted) YAML scalar, still reads back as that same string
 * under both YAML 1.2 (core schema: this project, Argo CD) and YAML 1.1 (go-yaml, kustomize, Helm).
 *
 * Tags like `1.20`, `0123`, `1e5`, `true`, `yes`, `0x1F`, `2024-01-01` or `1_000` do not: one of the
 * two schemas reads them as a number, boolean or timestamp, so they must be quoted. The check asks the
 * `yaml` parser itself rather than restating both schemas' resolution rules.
 *
 * @example
 * readsAsPlainString("46-abc"); // true
 * readsAsPlainString("1.20");   // false — would become the number 1.2
 * readsAsPlainString("on");     // false — YAML 1.1 boolean
 */
export function readsAsPlainString(value: string): boolean {
  // One push writes the same tag into every file it touches: ask the parser once per value.
  const known = answers.get(value);
  if (known !== undefined) return known;
  if (answers.size >= MAX_ANSWERS) answers.clear();
  const answer = askParser(value);
  answers.set(value, answer);
  return answer;
}

function askParser(value: string): boolean {
  if (value === "" || value.trim() !== value || /[\n\r\t#]/.test(value)) return false;
  for (const version of ["1.2", "1.1"] as const) {
    let read: unknown;
    try {
      read = parse(value, { version, prettyErrors: false, logLevel: "silent" });
    } catch {
      return false;
    }
    if (read !== value) return false;
  }
  return true;
}
