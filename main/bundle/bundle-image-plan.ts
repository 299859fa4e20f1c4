import type Docker from 'dockerode';
import type { BundleRequest } from '../../shared/schemas/bundle';
import type { BuildRecord, ImageBuildRequest } from '../../shared/schemas/docker';
import { makeBuildPlan, type BuildPlanDetail } from '../docker/build-plan';
import type { BuildHistory } from '../docker/build-history';

export interface BundleImagePlan {
  detail: BuildPlanDetail;
  /** The build in this machine's history that the bundle reproduces exactly (same Dockerfile, same files); null when none. */
  matchedBuild: BuildRecord | null;
  /** Set when the history has this image name built from other files or settings. */
  mismatch: string | null;
}

/**
 * The build the bundle carries. A plan stamps its creation time into the Dockerfile's labels, so planning anew
 * would never reproduce an image already built (and perhaps pushed) under this name. When the history has a build
 * of this reference, the plan is made again at that build's time: if the Dockerfile comes out the same, the
 * bundle rebuilds that very image (same layers, same image id from a warm cache); if not, the model or settings
 * changed since, and the bundle describes a new build.
 */
export async function planBundleImage(request: BundleRequest, docker: Docker | null, history: BuildHistory): Promise<BundleImagePlan> {
  const buildRequest: ImageBuildRequest = {
    modelPath: request.modelPath, specPath: request.specPath, tag: request.image, base: request.base, platform: request.platform,
    noCache: false, context: request.context,
  };
  const record = await history.findByImage(request.image).catch(() => null);
  const created = record ? createdLabel(record.dockerfile) : null;
  if (record && created) {
    const detail = await makeBuildPlan(buildRequest, docker, created);
    if (detail.plan.dockerfile === record.dockerfile && detail.plan.modelSha256 === record.modelSha256) {
      return { detail, matchedBuild: record, mismatch: null };
    }
  }
  const detail = await makeBuildPlan(buildRequest, docker);
  const mismatch = record
    ? `The image ${record.reference} built here on ${record.builtAt.slice(0, 10)} came from other files or settings than this bundle: build it again from the bundle (modeldock build --bundle) before pushing, so the registry holds what the bundle describes.`
    : null;
  return { detail, matchedBuild: null, mismatch };
}

function createdLabel(dockerfile: string): Date | null {
  const match = /org\.opencontainers\.image\.created="([^"]+)"/.exec(dockerfile);
  const date = match ? new Date(match[1]) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}
