import { randomUUID } from 'node:crypto';
import type { BuildRecord, ImageBuildProgress } from '../../shared/schemas/docker';
import { readSavedBenchmark } from '../docker/build-benchmark';
import { buildServingImage } from '../docker/image-build';
import type { EngineServices } from '../engine/types';
import { bundleBuildDetail } from './bundle-build-plan';

export interface BundleBuildRequest {
  bundleDir: string;
  /** Another "name:tag" than the bundle's; the image content is the same. */
  tag?: string;
  noCache: boolean;
  /** Docker context name. */
  context?: string;
}

export interface BundleBuildOptions {
  signal?: AbortSignal;
  onProgress?: (event: ImageBuildProgress) => void;
}

/**
 * `modeldock build --bundle DIR`: builds the image from the bundle alone and records it in the build history like
 * any other build (its model and spec paths point into the bundle).
 */
export async function buildFromBundle(services: EngineServices, request: BundleBuildRequest, options: BundleBuildOptions = {}): Promise<BuildRecord> {
  const detail = await bundleBuildDetail(request.bundleDir, { tag: request.tag });
  const { docker } = await services.docker.get(request.context);
  const outcome = await buildServingImage(docker, detail, { noCache: request.noCache, signal: options.signal, onProgress: options.onProgress });
  const { plan } = detail;
  const baseSizeBytes = await docker.getImage(plan.base).inspect().then((i) => i.Size, () => null);
  const record: BuildRecord = {
    id: randomUUID(),
    coldStartMs: null,
    modelPath: detail.modelPath,
    specPath: detail.specPath,
    modelName: plan.modelName,
    modelVersion: plan.modelVersion,
    modelSha256: plan.modelSha256,
    modelBytes: plan.modelBytes,
    reference: plan.reference,
    imageId: outcome.imageId,
    sizeBytes: outcome.sizeBytes,
    baseImage: plan.base,
    baseSizeBytes,
    platform: plan.platform,
    builtAt: new Date().toISOString(),
    buildMs: outcome.buildMs,
    cachedSteps: outcome.cachedSteps,
    totalSteps: outcome.totalSteps,
    dockerfile: plan.dockerfile,
    present: true,
    loadTests: [],
    pushes: [],
    benchmark: readSavedBenchmark(detail.modelPath, detail.specPath),
  };
  await services.builds.add(record);
  return record;
}
