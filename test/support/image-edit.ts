import type { ImageEdit } from "../../lambda/core/edit/image-edit.ts";
import { SEOUL_REGISTRY } from "./constants.ts";

/** The pushed image the editor tests rewrite: `snutt-dev/snutt-timetable:46` on the Seoul registry. */
export const REPO = "snutt-dev/snutt-timetable";
export const IMG = `${SEOUL_REGISTRY}/${REPO}`;
/** A digest some manifest is pinned to before the push. */
export const OLD_DIGEST = `sha256:${"b".repeat(64)}`;
/** The pushed image's digest. */
export const DIGEST = `sha256:${"a".repeat(64)}`;
export const EDIT: ImageEdit = {
  registries: [SEOUL_REGISTRY],
  imageRepository: REPO,
  tag: "46",
  digest: DIGEST,
};
