import * as fs from 'node:fs';
import type { Spec } from '../../shared/schemas/spec';
import { inspectOnnx } from '../model/onnx-inspect';
import { loadSpecForModel, readSpec, resolveLabels } from '../spec/spec-file';

export interface PredictionContext {
  spec: Spec | null;
  specPath: string | null;
  labels: string[] | null;
}

/**
 * The spec that applies to a prediction (the given one, else the modeldock.yaml beside the model) and the class
 * names: the spec's labels / labelsFile first, else labels stored in the model's metadata_props.
 */
export async function predictionContext(modelPath: string, specPath?: string): Promise<PredictionContext> {
  let spec: Spec | null = null;
  let resolvedSpecPath: string | null = null;
  if (specPath) {
    const doc = readSpec(specPath);
    spec = doc.spec;
    resolvedSpecPath = doc.specPath;
  } else {
    const loaded = loadSpecForModel(modelPath);
    spec = loaded.spec;
    resolvedSpecPath = loaded.specPath;
  }
  let labels = spec && resolvedSpecPath ? resolveLabels(spec, resolvedSpecPath) : null;
  if (!labels) labels = await metadataLabels(modelPath);
  return { spec, specPath: resolvedSpecPath, labels };
}

/** metadata_props labels, remembered per file version: reading the model on every prediction would dominate small models. */
const metadataCache = new Map<string, string[] | null>();

async function metadataLabels(modelPath: string): Promise<string[] | null> {
  let key: string;
  try {
    const stat = fs.statSync(modelPath);
    key = `${modelPath}\u0000${stat.mtimeMs}\u0000${stat.size}`;
  } catch {
    return null;
  }
  if (metadataCache.has(key)) return metadataCache.get(key) ?? null;
  let labels: string[] | null;
  try {
    labels = (await inspectOnnx(modelPath)).labels;
  } catch {
    // Labels are a nicety; a model the inspector cannot read still predicts.
    labels = null;
  }
  if (metadataCache.size > 64) metadataCache.clear();
  metadataCache.set(key, labels);
  return labels;
}
