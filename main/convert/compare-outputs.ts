import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { Comparison } from '../../shared/schemas/convert';
import type { HostTensor, TensorValues } from '../inference/host-tensor';
import type { InferenceService } from '../inference/inference-service';
import { readNpy } from '../inference/npy-reader';

/**
 * Runs the converted model in the inference worker on the inputs the recipe saved, and compares its outputs with
 * what the original model computed on them. Outputs are matched by name when the names agree, else by position.
 */
export const ABSOLUTE_TOLERANCE = 1e-4;
export const RELATIVE_TOLERANCE = 1e-3;

interface ReferenceManifest {
  inputs: string[];
  outputs: string[];
  samples: Array<{ inputs: string[]; outputs: string[] }>;
}

export function readReference(dir: string): ReferenceManifest | null {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as ReferenceManifest;
    return Array.isArray(manifest.samples) && manifest.samples.length > 0 ? manifest : null;
  } catch {
    return null;
  }
}

export async function compareWithReference(
  inference: InferenceService, onnxPath: string, dir: string, manifest: ReferenceManifest, signal?: AbortSignal,
): Promise<Comparison> {
  const io = (await inference.describe(onnxPath, { signal })).io;
  const samples: Comparison['samples'] = [];
  for (const sample of manifest.samples) {
    const inputs = sample.inputs.map((file, i) => {
      const name = io.inputs.some((x) => x.name === manifest.inputs[i]) ? manifest.inputs[i] : io.inputs[i]?.name ?? `input_${i}`;
      return readNpy(fs.readFileSync(path.join(dir, file)), name);
    });
    const expected = sample.outputs.map((file, i) => readNpy(fs.readFileSync(path.join(dir, file)), manifest.outputs[i] ?? `output_${i}`));
    let actual: HostTensor[];
    try {
      actual = (await inference.run(onnxPath, inputs, { signal })).outputs;
    } catch (error) {
      const message = error instanceof ModelDockError ? `${error.title}: ${error.message}` : String(error);
      const batch = inputs[0]?.dims[0] ?? 1;
      samples.push({
        batch, maxAbsDiff: null, passed: false,
        outputs: [{ name: '(run)', shape: [], maxAbsDiff: null, mismatches: 0, problem: `The ONNX model failed on a batch of ${batch}: ${message}` }],
      });
      continue;
    }
    const byName = expected.every((e) => actual.some((a) => a.name === e.name));
    const outputs = expected.map((want, i) => {
      const got = byName ? actual.find((a) => a.name === want.name) : actual[i];
      return compareTensor(want, got);
    });
    const maxAbsDiff = largest(outputs.map((o) => o.maxAbsDiff));
    samples.push({ batch: inputs[0]?.dims[0] ?? 1, maxAbsDiff, passed: outputs.every((o) => o.mismatches === 0 && !o.problem), outputs });
  }
  return {
    maxAbsDiff: largest(samples.map((s) => s.maxAbsDiff)),
    tolerance: ABSOLUTE_TOLERANCE,
    relativeTolerance: RELATIVE_TOLERANCE,
    passed: samples.every((s) => s.passed),
    samples,
  };
}

function compareTensor(want: HostTensor, got: HostTensor | undefined): Comparison['samples'][number]['outputs'][number] {
  if (!got) return { name: want.name, shape: want.dims, maxAbsDiff: null, mismatches: 0, problem: 'The ONNX model has no matching output.' };
  const base = { name: want.name === got.name ? want.name : `${got.name} (original: ${want.name})`, shape: got.dims };
  if (want.data.length !== got.data.length) {
    return { ...base, maxAbsDiff: null, mismatches: 0, problem: `Shapes differ: ONNX [${got.dims.join(', ')}], original [${want.dims.join(', ')}].` };
  }
  if (Array.isArray(want.data) || Array.isArray(got.data)) {
    const a = (want.data as unknown[]).map(String);
    const b = (got.data as unknown[]).map(String);
    const mismatches = a.filter((v, i) => v !== b[i]).length;
    return { ...base, maxAbsDiff: 0, mismatches };
  }
  const exact = !isFloat(want) || !isFloat(got);
  let maxAbsDiff = 0;
  let mismatches = 0;
  const w = want.data as Exclude<TensorValues, string[]>;
  const g = got.data as Exclude<TensorValues, string[]>;
  for (let i = 0; i < w.length; i++) {
    const x = Number(w[i]);
    const y = Number(g[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const diff = Math.abs(x - y);
    if (Number.isNaN(diff)) { mismatches++; continue; }
    if (diff > maxAbsDiff) maxAbsDiff = diff;
    const ok = exact ? diff === 0 : diff <= ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(x);
    if (!ok) mismatches++;
  }
  return { ...base, maxAbsDiff, mismatches };
}

function largest(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : Math.max(0, ...(values as number[]));
}

function isFloat(t: HostTensor): boolean {
  return t.elementType === 'float32' || t.elementType === 'float64' || t.elementType === 'float16';
}
