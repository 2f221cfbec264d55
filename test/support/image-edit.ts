import type { ImageEdit } from "../../lambda/core/edit/image-edit.ts";

/** The pushed image the editor tests rewrite: `snutt-dev/snutt-timetable:46` on the Seoul registry. */
export const ECR = "405906814034.dkr.ecr.ap-northeast-2.amazonaws.com";
export const REPO = "snutt-dev/snutt-timetable";
export const IMG = `${ECR}/${REPO}`;
/** A digest some manifest is pinned to before the push. */
export const OLD_DIGEST = `sha256:${"b".repeat(64)}`;
/** The pushed image's digest. */
export const DIGEST = `sha256:${"a".repeat(64)}`;
export const EDIT: ImageEdit = { registries: [ECR], imageRepository: REPO, tag: "46", digest: DIGEST };
