import type { ImagePreprocess } from '../../../shared/schemas/spec';
import type { RuntimeConfig } from '../../../shared/schemas/serving';
import { formatDims } from '../../../main/inference/host-tensor';
import { looksLikeImageInput } from '../../../main/inference/image-input';
import type { IoMeta, ModelIo } from '../../../main/inference/worker-protocol';

/**
 * What the server knows about the model it serves: names, inputs and outputs as ONNX Runtime reports them, class
 * labels, which inputs take images, and whether requests can be merged along the first axis (dynamic batching).
 */
export interface ModelInfo {
  name: string;
  version: string;
  description: string | null;
  /**
   * Inputs as requests may give them. For a model fixed to one row ([1, 4]) the first dimension reads "batch": the
   * server splits several rows into single-row runs, so clients may send any number.
   */
  inputs: IoMeta[];
  /** Inputs exactly as the model declares them. */
  declaredInputs: IoMeta[];
  outputs: IoMeta[];
  labels: string[] | null;
  /** Inputs that accept encoded images, with their preprocessing (undefined = inferred from the input's shape). */
  imageInputs: Map<string, ImagePreprocess | undefined>;
  /** Every input and output has the same dynamic first dimension: requests may be stacked along it. */
  batchable: boolean;
  /** The first dimension is fixed to 1: a request of several rows runs as that many single-row runs. */
  singleRow: boolean;
  /** The output the lesson's /predict returns and labels are read from. */
  primaryOutput: IoMeta | null;
}

export function describeModel(config: RuntimeConfig, io: ModelIo, labels: string[] | null): ModelInfo {
  const declaredInputs = io.inputs;
  const outputs = io.outputs.filter((o) => o.isTensor);
  const singleRow = declaredInputs.length > 0 && declaredInputs.every((i) => i.dims.length > 0 && i.dims[0] === 1)
    && outputs.every((o) => o.dims.length > 0 && (o.dims[0] === 1 || typeof o.dims[0] !== 'number'));
  const inputs = singleRow ? declaredInputs.map((i) => ({ ...i, dims: ['batch', ...i.dims.slice(1)] })) : declaredInputs;
  const imageInputs = new Map<string, ImagePreprocess | undefined>();
  for (const input of inputs) {
    const settings = config.inputs[input.name];
    if (settings?.type === 'image') imageInputs.set(input.name, settings);
    else if (!settings && looksLikeImageInput(input)) imageInputs.set(input.name, undefined);
  }
  return {
    name: config.model.name,
    version: config.model.version,
    description: config.model.description ?? null,
    inputs,
    declaredInputs,
    outputs,
    labels,
    imageInputs,
    batchable: isBatchable(declaredInputs, outputs),
    singleRow,
    primaryOutput: outputs[0] ?? null,
  };
}

function isBatchable(inputs: IoMeta[], outputs: IoMeta[]): boolean {
  if (!inputs.length || !outputs.length) return false;
  const first = inputs[0].dims[0];
  if (inputs.some((i) => !i.isTensor || i.dims.length === 0 || typeof i.dims[0] === 'number')) return false;
  // One shared name for the batch axis (or all unnamed): two different names could mean two different things.
  if (inputs.some((i) => i.dims[0] !== first)) return false;
  return outputs.every((o) => o.dims.length > 0 && (o.dims[0] === first || o.dims[0] === null));
}

/** "float32 [batch, 4]" */
export function describeIo(io: IoMeta): string {
  return `${io.elementType ?? 'non-tensor'} ${formatDims(io.dims)}`;
}
