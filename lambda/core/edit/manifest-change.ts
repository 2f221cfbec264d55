/**
 * What a rewritten scalar holds: a whole image reference (`image`, e.g. `reg/ns/app:45`), a bare tag
 * (`tag`: kustomize `newTag`, Helm `tag`) or a bare digest (`digest`: kustomize and Helm `digest`).
 */
export type ChangedField = "image" | "tag" | "digest";

/**
 * Which matcher found the scalar: any `image` key (`image-key`), a kustomize `images:` entry
 * (`kustomize`), or Helm-style `repository:` + `tag:` values (`helm`).
 */
export type MatcherName = "image-key" | "kustomize" | "helm";

/** The tag and digest one scalar spells; `undefined` where it spells none (an untagged reference, a digest field). */
export interface TagAndDigest {
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/**
 * One scalar heimdall rewrote: the unit that commit messages, logs, no-op detection, the stale check
 * and the post-edit safety check are derived from — as data, so no consumer parses values again.
 *
 * `path` is the value's location inside its YAML document, e.g.
 * `spec.template.spec.containers[0].image`; `document` is the 0-based index of the document in a
 * multi-document file. `oldValue`/`newValue` are the decoded scalar values, not their source text
 * (a non-string tag such as `tag: 1.20` is reported as written). `from`/`to` are the tag and digest the
 * scalar spells before and after: for `image` the reference's parts, for `tag` the tag, for `digest`
 * the digest.
 *
 * @example
 * const change: ManifestChange = {
 *   file: "apps/a/values.yaml", document: 0, path: "image.tag", oldValue: "45", newValue: "46",
 *   field: "tag", matcher: "helm", from: { tag: "45", digest: undefined }, to: { tag: "46", digest: undefined },
 * };
 */
export interface ManifestChange {
  readonly file: string;
  readonly document: number;
  readonly path: string;
  readonly oldValue: string;
  readonly newValue: string;
  readonly field: ChangedField;
  readonly matcher: MatcherName;
  readonly from: TagAndDigest;
  readonly to: TagAndDigest;
}
