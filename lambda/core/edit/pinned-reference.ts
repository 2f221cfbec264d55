/**
 * A reference to the pushed image that a `# heimdall:pin` comment on its line keeps as it is: the editor
 * left it alone and says so, so the summary can list it. `value` is the decoded value left in place.
 *
 * @example
 * const pinned: PinnedReference = { file: "apps/a/deploy.yaml", document: 0,
 *   path: "spec.template.spec.containers[0].image", value: "reg.example/ns/a:1.3.0" };
 */
export interface PinnedReference {
  readonly file: string;
  readonly document: number;
  readonly path: string;
  readonly value: string;
}
