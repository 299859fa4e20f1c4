import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import type { BuildRecord, ImageBuildProgress } from '../../shared/schemas/docker';
import { readSavedBenchmark } from './build-benchmark';
import type { BuildHistory } from './build-history';
import type { BuildPlanDetail } from './build-plan';
import { findImage } from './image-lookup';
import { buildServingImage } from './image-build';

export interface BuildAndRecordOptions {
  noCache: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ImageBuildProgress) => void;
}

/** Builds a planned image and adds it to the history (the model's versions): what every build path ends with. */
export async function buildAndRecord(docker: Docker, history: BuildHistory, detail: BuildPlanDetail, options: BuildAndRecordOptions): Promise<BuildRecord> {
  const outcome = await buildServingImage(docker, detail, options);
  const { plan } = detail;
  const record: BuildRecord = {
    id: randomUUID(),
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
    baseSizeBytes: detail.base?.sizeBytes ?? (await findImage(docker, plan.base).catch(() => null))?.Size ?? null,
    platform: plan.platform,
    builtAt: new Date().toISOString(),
    buildMs: outcome.buildMs,
    cachedSteps: outcome.cachedSteps,
    totalSteps: outcome.totalSteps,
    dockerfile: plan.dockerfile,
    present: true,
    coldStartMs: null,
    loadTests: [],
    pushes: [],
    benchmark: readSavedBenchmark(detail.modelPath, detail.specPath),
  };
  await history.add(record);
  return record;
}
