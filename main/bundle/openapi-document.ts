import type { RuntimeConfig } from '../../shared/schemas/serving';
import type { InferenceService } from '../inference/inference-service';
import { describeModel, type ModelInfo } from '../../resources/serving/src/model-info';
import { openApiDocument } from '../../resources/serving/src/openapi';
import { RUNTIME_VERSION } from '../../resources/serving/src/server';

/**
 * The model as the serving runtime sees it at start-up (the config baked into the image and the inputs/outputs
 * ONNX Runtime reports), made by the runtime's own code, so what the bundle documents is what the container serves.
 */
export async function describeServedModel(inference: InferenceService, config: RuntimeConfig, hostModelPath: string, signal?: AbortSignal): Promise<ModelInfo> {
  const { io } = await inference.describe(hostModelPath, { signal });
  return describeModel(config, io, config.labels ?? null);
}

/** The bundle's openapi.json: the same document GET /openapi.json answers in the container. */
export function openApiText(model: ModelInfo): string {
  return `${JSON.stringify(openApiDocument(model, RUNTIME_VERSION), null, 2)}\n`;
}
