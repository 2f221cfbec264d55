import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { type ResolvedTarget, resolveTargets } from "../config/resolve-targets.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { ECR } from "../event/ecr-syntax.ts";
import { findManifestImages, type ManifestImage } from "./find-manifest-images.ts";
import type { CatalogImage } from "./image-catalog.ts";

/** A manifest image heimdall manages, with what the reconcile needs to judge it as its push would be. */
export interface ManagedImage extends ManifestImage {
  /** The ECR registry its pushes come from: its own host, or heimdall's registry for an alias host. */
  readonly source: string;
  /** `semver` when a target covering it orders by version (the stricter rule wins, as for pushes). */
  readonly order: "push-time" | "semver";
  /** Would a push of `tag` edit these references? (`tags`, `semver`, paused targets, paths, registries.) */
  accepts(tag: string): boolean;
  /** The push that would have carried `image` (as `tag`) to these references: what its event would say. */
  pushOf(tag: string, image: CatalogImage): EcrPush;
}

// Any semantic version passes a target once its tag rules are set aside, whatever its `order`.
const ANY_TAG = "0.0.0";

/**
 * Every image the event path would edit in `files` under `config`, for heimdall's own `registry`: references
 * on the own registry, the config's `registries` and its targets' `registries` (the editor's three matchers),
 * in files some target maps for that ECR repository — whatever tag it was pushed with, so an image whose
 * tags the filter all refuses is still found (and left, with why). Files only paused targets cover are not
 * heimdall's to change now, so their images are not returned.
 *
 * @example
 * findManagedImages(snapshot.files, DEFAULT_CONFIG, "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com");
 * // [{ file: "apps/snutt-dev/api/deployment.yaml", imageRepository: "snutt-dev/api", source: "4059…", order: "push-time", … }]
 */
export function findManagedImages(
  files: ReadonlyMap<string, string>,
  config: HeimdallConfig,
  registry: string,
): ManagedImage[] {
  const own = registry.toLowerCase();
  const hosts = [own, ...config.registries, ...config.targets.flatMap((target) => target.registries)];
  const anyTag = withoutTagRules(config);
  return findManifestImages(files, hosts).flatMap((image): ManagedImage[] => {
    const source = ECR.parseRegistryHost(image.registry) === undefined ? own : image.registry;
    const pushOf = (tag: string, pushed?: CatalogImage): EcrPush => {
      const { account, region } = ECR.parseRegistryHost(source) ?? { account: "", region: "" };
      return {
        eventId: `reconcile:${source}/${image.imageRepository}:${tag}`,
        time: pushed?.pushedAt ?? new Date(0),
        account,
        region,
        registry: source,
        imageRepository: image.imageRepository,
        tag,
        digest: pushed?.digest ?? "",
      };
    };
    const cover = covering(anyTag, image, pushOf(ANY_TAG));
    if (cover.length === 0) return [];
    return [
      {
        ...image,
        source,
        order: cover.some((target) => target.order === "semver") ? "semver" : "push-time",
        accepts: (tag) => covering(config, image, pushOf(tag)).length > 0,
        pushOf,
      },
    ];
  });
}

/** The active targets through which `push` would edit `image`'s references: covering its file, counting its host. */
function covering(config: HeimdallConfig, image: ManifestImage, push: EcrPush): ResolvedTarget[] {
  const resolution = resolveTargets(push, config);
  if (resolution.kind !== "targets") return [];
  return resolution.targets.filter(
    (target) => target.paths.matches(image.file) && target.registries.includes(image.registry),
  );
}

/** The config with every target's tag rules (`tags`, `semver` ranges) set aside: which files could a push ever edit? */
function withoutTagRules(config: HeimdallConfig): HeimdallConfig {
  return { ...config, targets: config.targets.map(({ tags: _, semver: __, ...target }) => target) };
}
