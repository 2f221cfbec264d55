import type { HeimdallConfig } from "../config/heimdall-config.ts";
import { resolveTargets } from "../config/resolve-targets.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { EcrPush } from "../event/ecr-push.ts";
import { parseEcrRegistryHost } from "../event/ecr-registry-host.ts";
import type { GitOpsSnapshot } from "../update/gitops-repository.ts";
import type { ImageOutcome } from "../update/outcomes.ts";
import { planUpdate, type UpdatePlan } from "../update/plan-update.ts";
import type { UpdateWarning } from "../update/update-warning.ts";
import { findManifestImages, type ManifestImage } from "./find-manifest-images.ts";
import type { CatalogAnswer, CatalogImage, ImageCatalog } from "./image-catalog.ts";
import { type Judgement, judgeLastChange, judgeManifestImage } from "./judge-manifest-image.ts";
import type { LastChange, ReferenceHistory } from "./reference-history.ts";

/** What the reconcile decided for one image in one file that differs from ECR's newest accepted image. */
export interface ReconcileItem {
  readonly outcome: Extract<ImageOutcome, "repaired" | "left">;
  readonly file: string;
  /** The registry host the manifest writes. */
  readonly registry: string;
  readonly imageRepository: string;
  /** What the references say now (tags, or digests where they name no tag; several joined by `, `). */
  readonly deployedTag: string;
  /** The newest pushed tag the target accepts, when there is one to name. */
  readonly newestTag?: string;
  readonly reason: string;
  /** What the repair changes (empty when left). */
  readonly changes: readonly ManifestChange[];
}

/** A missed push, rebuilt from ECR, and why it counts as missed. */
export interface Repair {
  readonly push: EcrPush;
  readonly reason: string;
}

/** The reconcile of one snapshot, as data: what to repair, what was left and why, and the repair's edits. */
export interface ReconcilePlan {
  readonly items: readonly ReconcileItem[];
  /** Images (per file) already running the newest image their target accepts. */
  readonly current: number;
  readonly repairs: readonly Repair[];
  /** The files the repairs edit, as read: the only ones the repair may touch. */
  readonly files: ReadonlyMap<string, string>;
  readonly update: UpdatePlan;
  readonly warnings: readonly UpdateWarning[];
}

/** The IO one plan needs besides the snapshot. */
export interface ReconcilePlanInput {
  readonly snapshot: GitOpsSnapshot;
  readonly config: HeimdallConfig;
  /** heimdall's own registry host: pushes come from it, and references on a non-ECR alias host ask it. */
  readonly registry: string;
  readonly catalog: ImageCatalog;
  readonly history: ReferenceHistory;
}

// DescribeImages calls in flight at once: enough to hide latency, few enough to stay under ECR's rate.
const CATALOG_CONCURRENCY = 8;
const NO_ANSWER: CatalogAnswer = { kind: "unknown", reason: "no answer" };

/**
 * Plans a reconcile: every image the event path would edit (mapped folders, the own registry plus
 * `registries`, the three matchers) is judged on its own against ECR — see {@link judgeManifestImage} and
 * {@link judgeLastChange}. Missed ones become {@link Repair}s: the push rebuilt from ECR (registry, tag,
 * digest, push time), planned with `planUpdate` over only the files that hold them, so a repair makes exactly
 * the edits its event would have made and touches nothing that was judged otherwise. A file whose plan would
 * also change references not judged missed is left out, with why.
 *
 * ECR is asked once per referenced repository (paginated by the adapter); history only for drifted images,
 * in one request. A repository ECR cannot answer for is left with an `ecr-unanswered` warning naming it.
 *
 * @example
 * const plan = await planReconcile({ snapshot, config, registry, catalog, history });
 * plan.repairs.map((repair) => `${repair.push.imageRepository}:${repair.push.tag}`); // ["snutt-dev/api:48"]
 */
export async function planReconcile(input: ReconcilePlanInput): Promise<ReconcilePlan> {
  const { config, snapshot } = input;
  const own = input.registry.toLowerCase();
  const hosts = [own, ...config.registries, ...config.targets.flatMap((target) => target.registries)];
  const anyTag = ignoringTagFilters(config);
  const images = findManifestImages(snapshot.files, hosts).filter((image) =>
    serves(anyTag, image, pushFor(image, own, "0")),
  );

  const catalogs = await askCatalog(input.catalog, [
    ...new Set(images.map((image) => catalogKey(askedRegistry(image, own), image.imageRepository))),
  ]);
  const items: ReconcileItem[] = [];
  const warnings: UpdateWarning[] = [];
  const drifted: { image: ManifestImage; judgement: Extract<Judgement, { kind: "drifted" }> }[] = [];
  let current = 0;
  for (const image of images) {
    const asked = askedRegistry(image, own);
    const answer = catalogs.get(catalogKey(asked, image.imageRepository)) ?? NO_ANSWER;
    const judgement = judgeManifestImage(
      image.references.map((reference) => reference.deployed),
      answer.kind === "unknown"
        ? {
            kind: "unknown",
            reason: `ECR could not list ${asked}/${image.imageRepository}: ${answer.reason}`,
          }
        : answer,
      (tag) => serves(config, image, pushFor(image, own, tag)),
    );
    if (judgement.kind === "current") current++;
    else if (judgement.kind === "drifted") drifted.push({ image, judgement });
    else {
      items.push(left(image, judgement.deployedTag, judgement.reason, judgement.newestTag));
      if (judgement.warning !== undefined) {
        warnings.push({
          code: judgement.warning,
          file: image.file,
          message: `left ${image.imageRepository} in ${image.file}: ${judgement.reason}`,
        });
      }
    }
  }

  const missed: { image: ManifestImage; push: EcrPush; reason: string; deployedTag: string }[] = [];
  const history = await lastChanges(
    input.history,
    snapshot.headOid,
    drifted.map(({ image }) => image),
  );
  for (const { image, judgement } of drifted) {
    const changes = image.lines.map((line) => history.get(image.file)?.get(line));
    if (changes.some((change) => change === undefined)) {
      const reason = "could not learn when its references last changed";
      items.push(left(image, judgement.deployedTag, reason, judgement.tag));
      warnings.push({
        code: "history-unanswered",
        file: image.file,
        message: `left ${image.file}: ${reason}`,
      });
      continue;
    }
    const latest = (changes as LastChange[]).reduce((a, b) => (b.at.getTime() > a.at.getTime() ? b : a));
    const verdict = judgeLastChange(judgement, latest);
    if (!verdict.missed) items.push(left(image, judgement.deployedTag, verdict.reason, judgement.tag));
    else {
      const push = pushFor(image, own, judgement.tag, judgement.image);
      missed.push({ image, push, reason: verdict.reason, deployedTag: judgement.deployedTag });
    }
  }
  return { ...repairsOf(missed, snapshot, config, items), current, warnings };
}

function repairsOf(
  candidates: readonly { image: ManifestImage; push: EcrPush; reason: string; deployedTag: string }[],
  snapshot: GitOpsSnapshot,
  config: HeimdallConfig,
  items: ReconcileItem[],
): Pick<ReconcilePlan, "items" | "repairs" | "files" | "update"> {
  // The update keeps one push per ECR repository; another image of it waits for the next reconcile.
  const chosen = new Map<string, EcrPush>();
  for (const { push } of candidates) {
    const seen = chosen.get(push.imageRepository);
    if (seen === undefined || push.time.getTime() > seen.time.getTime())
      chosen.set(push.imageRepository, push);
  }
  let missed = candidates.filter(({ image, push, deployedTag }) => {
    const winner = chosen.get(push.imageRepository);
    if (winner === undefined || sameImage(winner, push)) return true;
    const reason = `${winner.registry}/${winner.imageRepository}:${winner.tag} is repaired in this run; the next reconcile looks at this one again`;
    items.push(left(image, deployedTag, reason, push.tag));
    return false;
  });

  for (;;) {
    const pushes = [...new Map(missed.map(({ push }) => [pushKey(push), push])).values()];
    const files = new Map(
      missed.map(({ image }) => [image.file, snapshot.files.get(image.file) ?? ""] as const),
    );
    const update = planUpdate({ pushes, files, config });
    const allowed = new Set(
      missed.flatMap(({ image }) => image.references.map((ref) => locationKey(image.file, ref))),
    );
    const spill = new Set(
      update.changes.filter((c) => !allowed.has(locationKey(c.file, c))).map((c) => c.file),
    );
    if (spill.size === 0) {
      const repairs = pushes.map((push) => ({
        push,
        reason: missed
          .filter((entry) => sameImage(entry.push, push))
          .map((entry, _, all) => (all.length > 1 ? `${entry.image.file}: ${entry.reason}` : entry.reason))
          .join("; "),
      }));
      for (const { image, push, reason, deployedTag } of missed) {
        const keys = new Set(image.references.map((ref) => locationKey(image.file, ref)));
        const changes = update.changes.filter((change) => keys.has(locationKey(change.file, change)));
        items.push({ ...left(image, deployedTag, reason, push.tag), outcome: "repaired", changes });
      }
      return { items: sortItems(items), repairs, files, update };
    }
    missed = missed.filter(({ image, push, deployedTag }) => {
      if (!spill.has(image.file)) return true;
      const reason = `${image.file} also holds references to ${push.imageRepository} that are not missed the same way; left for a push or a person`;
      items.push(left(image, deployedTag, reason, push.tag));
      return false;
    });
  }
}

async function askCatalog(
  catalog: ImageCatalog,
  keys: readonly string[],
): Promise<Map<string, CatalogAnswer>> {
  const answers = new Map<string, CatalogAnswer>();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < keys.length; index = next++) {
      const key = keys[index] ?? "";
      const slash = key.indexOf("/");
      answers.set(
        key,
        await catalog.taggedImages({ registry: key.slice(0, slash), imageRepository: key.slice(slash + 1) }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CATALOG_CONCURRENCY, keys.length) }, worker));
  return answers;
}

async function lastChanges(history: ReferenceHistory, headOid: string, images: readonly ManifestImage[]) {
  if (images.length === 0) return new Map<string, ReadonlyMap<number, LastChange>>();
  const lines = new Map<string, number[]>();
  for (const image of images) lines.set(image.file, [...(lines.get(image.file) ?? []), ...image.lines]);
  for (const [file, numbers] of lines)
    lines.set(
      file,
      [...new Set(numbers)].sort((a, b) => a - b),
    );
  return history.lastChanges({ headOid, lines });
}

/** Does `config` let `push` edit `image`'s references: a target covering its file, counting its host? */
function serves(config: HeimdallConfig, image: ManifestImage, push: EcrPush): boolean {
  const resolution = resolveTargets(push, config);
  return (
    resolution.kind === "targets" &&
    resolution.targets.some(
      (target) => target.paths.matches(image.file) && target.registries.includes(image.registry),
    )
  );
}

/** Which targets could ever touch a reference, whatever tag is pushed: the config without its tag filters. */
function ignoringTagFilters(config: HeimdallConfig): HeimdallConfig {
  return { ...config, targets: config.targets.map(({ tags: _, ...target }) => target) };
}

/** An ECR host is asked itself; an alias host (a proxy in `registries`) stands for heimdall's own registry. */
function askedRegistry(image: ManifestImage, own: string): string {
  return parseEcrRegistryHost(image.registry) === undefined ? own : image.registry;
}

/** The push that would have carried `tag` to `image`'s references: what its event would have said. */
function pushFor(image: ManifestImage, own: string, tag: string, pushed?: CatalogImage): EcrPush {
  const registry = askedRegistry(image, own);
  const { account, region } = parseEcrRegistryHost(registry) ?? { account: "", region: "" };
  return {
    eventId: `reconcile:${registry}/${image.imageRepository}:${tag}`,
    time: pushed?.pushedAt ?? new Date(0),
    account,
    region,
    registry,
    imageRepository: image.imageRepository,
    tag,
    digest: pushed?.digest ?? "",
  };
}

function left(image: ManifestImage, deployedTag: string, reason: string, newestTag?: string): ReconcileItem {
  return {
    outcome: "left",
    file: image.file,
    registry: image.registry,
    imageRepository: image.imageRepository,
    deployedTag,
    ...(newestTag === undefined ? {} : { newestTag }),
    reason,
    changes: [],
  };
}

function sortItems(items: readonly ReconcileItem[]): ReconcileItem[] {
  const key = (item: ReconcileItem) => `${item.imageRepository}\0${item.file}\0${item.registry}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const catalogKey = (registry: string, imageRepository: string) => `${registry}/${imageRepository}`;
const pushKey = (push: EcrPush) => `${push.registry}/${push.imageRepository}:${push.tag}`;
const sameImage = (a: EcrPush, b: EcrPush) => pushKey(a) === pushKey(b);
const locationKey = (file: string, at: { document: number; path: string }) =>
  `${file}\0${at.document}\0${at.path}`;
