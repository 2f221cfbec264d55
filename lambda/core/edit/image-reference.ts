/**
 * A container image reference split into its parts, as Docker and Kubernetes read it:
 * `[registry/]repository[:tag][@digest]`.
 */
export interface ImageReference {
  /** Registry host (with port when given); `undefined` when the reference has no host part (Docker Hub). */
  readonly registry: string | undefined;
  readonly imageRepository: string;
  readonly tag: string | undefined;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest: string | undefined;
}

// The grammar of github.com/distribution/reference, restated: lowercase path components joined by
// `.`, `_`, `__` or dashes; a host is the first component when it looks like one (has `.` or `:`, or
// is `localhost`).
const HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = new RegExp(`^${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

/**
 * Parses `value` as an image reference; `undefined` when it is not one (spaces, uppercase
 * repository, empty parts, a URL with a scheme…), so callers can use it as the test "is this an image".
 *
 * The first path component counts as the registry only when it contains `.` or `:` or is
 * `localhost`, exactly like Docker — so `snutt-dev/snutt-timetable` has no registry.
 *
 * @example
 * parseImageReference("405906814034.dkr.ecr.ap-northeast-2.amazonaws.com/snutt-dev/snutt-timetable:46");
 * // { registry: "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com",
 * //   repository: "snutt-dev/snutt-timetable", tag: "46", digest: undefined }
 * parseImageReference("hello world"); // undefined
 */
export function parseImageReference(value: string): ImageReference | undefined {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  // A colon after the last slash starts the tag; one before it belongs to a host port.
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }

  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      if (!HOST.test(first)) return undefined;
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }

  if (!rest.split("/").every((component) => PATH_COMPONENT.test(component))) return undefined;
  if ((registry === undefined ? 0 : registry.length + 1) + rest.length > MAX_NAME_LENGTH) return undefined;
  return { registry, imageRepository: rest, tag, digest };
}

/**
 * Parses the value of a tag field (Helm `tag:`, kustomize `newTag:`) that may pin a digest after the tag:
 * `3.14.3` → tag only, `3.14.3@sha256:…` → tag and digest; `undefined` when it is neither (an empty value,
 * a digest alone, spaces…).
 *
 * @example
 * parseTagAndDigest("3.14.3@sha256:5f1c…"); // { tag: "3.14.3", digest: "sha256:5f1c…" }
 * parseTagAndDigest("46");                  // { tag: "46", digest: undefined }
 */
export function parseTagAndDigest(value: string): { tag: string; digest: string | undefined } | undefined {
  const at = value.indexOf("@");
  const tag = at === -1 ? value : value.slice(0, at);
  const digest = at === -1 ? undefined : value.slice(at + 1);
  if (!TAG.test(tag) || (digest !== undefined && !DIGEST.test(digest))) return undefined;
  return { tag, digest };
}

/**
 * Writes `ref` back as text: the inverse of {@link parseImageReference} for everything it returns.
 *
 * @example
 * formatImageReference({ registry: "ghcr.io", repository: "acme/api", tag: "1.4.0", digest: undefined });
 * // "ghcr.io/acme/api:1.4.0"
 */
export function formatImageReference(ref: ImageReference): string {
  const registry = ref.registry === undefined ? "" : `${ref.registry}/`;
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${registry}${ref.imageRepository}${tag}${digest}`;
}
