/**
 * One scalar heimdall rewrote: the unit that commit messages, logs, no-op detection and the
 * post-edit safety check are derived from.
 *
 * `path` is the value's location inside its YAML document, e.g.
 * `spec.template.spec.containers[0].image`; `document` is the 0-based index of the document in a
 * multi-document file. `oldValue`/`newValue` are the decoded scalar values, not their source text.
 */
export interface ManifestChange {
  readonly file: string;
  readonly document: number;
  readonly path: string;
  readonly oldValue: string;
  readonly newValue: string;
}
