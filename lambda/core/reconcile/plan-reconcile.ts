import type { HeimdallConfig } from "../config/heimdall-config.ts";
import type { ManifestChange } from "../edit/manifest-change.ts";
import type { GitOpsSnapshot } from "../update/gitops-repository.ts";
import type { ImageOutcome } from "../update/outcomes.ts";
import type { UpdatePlan } from "../update/plan-update.ts";
import type { UpdateWarning } from "../update/update-warning.ts";
import { findManagedImages, type ManagedImage } from "./find-managed-images.ts";
import type { ManifestImage } from "./find-manifest-images.ts";
import type { CatalogAnswer, ImageCatalog } from "./image-catalog.ts";
import { type Judgement, judgeLastChange, judgeManifestImage } from "./judge-manifest-image.ts";
import { type MissedImage, planRepairs } from "./plan-repairs.ts";
import type { LastChange, LineChanges, ReferenceHistory } from "./reference-history.ts";

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
  readonly push: MissedImage["push"];
  readonly reason: string;
}

/** The reconcile of one snapshot, as data: what to repair, what was left and why, and the repair's edits. */
export interface ReconcilePlan {
  /** Repaired and left images, sorted by repository, file and registry. */
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
  /** Passed to every ECR listing and history query (ms since the epoch). */
  readonly deadline?: number;
}

// DescribeImages calls in flight at once: enough to hide latency, few enough to stay under ECR's rate.
const CATALOG_CONCURRENCY = 8;

type Drifted = Extract<Judgement, { kind: "drifted" }>;

/**
 * Plans a reconcile. Every image the event path would edit ({@link findManagedImages}) is judged on its own
 * against ECR ({@link judgeManifestImage}): current, left (with why), or drifted — and a drifted image was
 * missed only when it was also pushed after the last change of its lines ({@link judgeLastChange}): a
 * rollback or pin committed after the newest push is a decision, not drift. Missed images become repairs:
 * their pushes rebuilt from ECR (registry, tag, digest, push time) and planned exactly as the events would
 * have been ({@link planRepairs}).
 *
 * ECR is asked once per referenced repository; history once, for drifted images only. A repository ECR
 * cannot answer for is left with an `ecr-unanswered` warning naming it, an ambiguous newest image with
 * `several-tags`, a reference whose history is unknown with `history-unanswered`.
 *
 * @example
 * const plan = await planReconcile({ snapshot, config, registry, catalog, history });
 * plan.repairs.map((repair) => `${repair.push.imageRepository}:${repair.push.tag}`); // ["snutt-dev/api:48"]
 */
export async function planReconcile(input: ReconcilePlanInput): Promise<ReconcilePlan> {
  const { config, snapshot } = input;
  const images = findManagedImages(snapshot.files, config, input.registry);
  const catalogs = await askCatalog(input.catalog, images, input.deadline);
  const items: ReconcileItem[] = [];
  const warnings: UpdateWarning[] = [];
  const drifted: { image: ManagedImage; judgement: Drifted }[] = [];
  let current = 0;
  for (const image of images) {
    const answer = catalogs.get(catalogKey(image)) ?? { kind: "unknown", reason: "no answer" };
    const deployed = image.references.map((reference) => reference.deployed);
    const judgement = judgeManifestImage(
      deployed,
      answer.kind === "unknown"
        ? { kind: "unknown", reason: `ECR could not list ${catalogKey(image)}: ${answer.reason}` }
        : answer,
      image.accepts,
      image.order,
    );
    if (judgement.kind === "current") current++;
    else if (judgement.kind === "drifted") drifted.push({ image, judgement });
    else {
      items.push(left(image, judgement.deployedTag, judgement.reason, judgement.newestTag));
      if (judgement.warning !== undefined) {
        const message = `left ${image.imageRepository} in ${image.file}: ${judgement.reason}`;
        warnings.push({ code: judgement.warning, file: image.file, message });
      }
    }
  }

  const history = await lastChanges(input.history, snapshot.headOid, drifted, input.deadline);
  const missed: MissedImage[] = [];
  for (const { image, judgement } of drifted) {
    const change = latest(image.lines.map((line) => history.get(image.file)?.get(line)));
    if (change === undefined) {
      const reason = "could not learn when its references last changed";
      items.push(left(image, judgement.deployedTag, reason, judgement.tag));
      warnings.push({
        code: "history-unanswered",
        file: image.file,
        message: `left ${image.file}: ${reason}`,
      });
      continue;
    }
    const verdict = judgeLastChange(judgement, change);
    if (!verdict.missed) items.push(left(image, judgement.deployedTag, verdict.reason, judgement.tag));
    else
      missed.push({
        image,
        push: image.pushOf(judgement.tag, judgement.image),
        reason: verdict.reason,
        deployedTag: judgement.deployedTag,
      });
  }

  const planned = planRepairs(missed, snapshot.files, config);
  for (const { missed: entry, reason } of planned.unrepaired) {
    items.push(left(entry.image, entry.deployedTag, reason, entry.push.tag));
  }
  for (const { missed: entry, changes } of planned.repaired) {
    items.push({
      ...left(entry.image, entry.deployedTag, entry.reason, entry.push.tag),
      outcome: "repaired",
      changes,
    });
  }
  return {
    items: sortItems(items),
    current,
    repairs: planned.repairs,
    files: planned.files,
    update: planned.update,
    warnings,
  };
}

async function askCatalog(
  catalog: ImageCatalog,
  images: readonly ManagedImage[],
  deadline: number | undefined,
) {
  const wanted = [...new Map(images.map((image) => [catalogKey(image), image] as const)).entries()];
  const answers = new Map<string, CatalogAnswer>();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < wanted.length; index = next++) {
      const [key, image] = wanted[index] ?? [];
      if (key === undefined || image === undefined) continue;
      answers.set(
        key,
        await catalog.taggedImages(
          { registry: image.source, imageRepository: image.imageRepository },
          deadline === undefined ? {} : { deadline },
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CATALOG_CONCURRENCY, wanted.length) }, worker));
  return answers;
}

async function lastChanges(
  history: ReferenceHistory,
  headOid: string,
  drifted: readonly { image: ManifestImage }[],
  deadline: number | undefined,
): Promise<LineChanges> {
  if (drifted.length === 0) return new Map();
  const lines = new Map<string, number[]>();
  for (const { image } of drifted) lines.set(image.file, [...(lines.get(image.file) ?? []), ...image.lines]);
  for (const [file, numbers] of lines)
    lines.set(
      file,
      [...new Set(numbers)].sort((a, b) => a - b),
    );
  return history.lastChanges({ headOid, lines, ...(deadline === undefined ? {} : { deadline }) });
}

/** The newest of the changes; `undefined` when any is unknown (then nothing can be said). */
function latest(changes: readonly (LastChange | undefined)[]): LastChange | undefined {
  let newest: LastChange | undefined;
  for (const change of changes) {
    if (change === undefined) return undefined;
    if (newest === undefined || change.at.getTime() > newest.at.getTime()) newest = change;
  }
  return newest;
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

const catalogKey = (image: ManagedImage) => `${image.source}/${image.imageRepository}`;
