const YAML_FILE = /\.ya?ml$/;

/**
 * True when `path` names a `.yaml`/`.yml` file, the only files heimdall ever reads as manifests or edits.
 * Case-sensitive: `deploy.YAML` is not a manifest.
 *
 * @example
 * isYamlFile("apps/a/deployment.yaml"); // true
 * isYamlFile("apps/a/values.yml");      // true
 * isYamlFile("apps/a/README.md");       // false
 */
export function isYamlFile(path: string): boolean {
  return YAML_FILE.test(path);
}
