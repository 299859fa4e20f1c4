import type { BuildRecord, ImageBuildProgress } from '../../shared/schemas/docker';
import { buildAndRecord } from '../docker/build-and-record';
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
  return buildAndRecord(docker, services.builds, detail, { noCache: request.noCache, signal: options.signal, onProgress: options.onProgress });
}
