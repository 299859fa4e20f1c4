import { MAX_MONITORED_FEATURES, type FeatureSource } from '../../shared/schemas/monitoring';
import type { InputSettings } from '../../shared/schemas/spec';
import type { Dim } from '../../shared/schemas/tensor';
import { float16BitsToNumber } from '../inference/float16';
import type { HostTensor } from '../inference/host-tensor';
import type { IoMeta } from '../inference/worker-protocol';

/**
 * Which scalar "features" of a model's inputs are monitored, and how to read them from a batch of input tensors.
 * Used on both sides so they always agree: the engine computes a reference profile with it, the serving runtime
 * scores live traffic with it.
 * - a [batch] or [batch, F] numeric input gives one feature per column (named after the spec's
 *   inputs.<name>.features when they match, else "input[3]");
 * - an image input (rank 4 with 1 or 3 channels) gives the mean intensity of each channel after preprocessing
 *   ("image:mean_c0"), over an evenly spread sample of at most IMAGE_SAMPLE pixels: a cheap summary that moves when
 *   brightness, colour balance or the camera changes;
 * - anything else (strings, sequences, wide or variable-width tensors) is not monitored, and said so.
 */
export interface FeaturePlan {
  features: FeatureSource[];
  /** Inputs (or parts) left out, with why, for the user. */
  skipped: string[];
}

/** Pixels per channel an image summary reads (evenly spread); the engine's profile reads the same ones. */
export const IMAGE_SAMPLE = 256;

const NUMERIC = new Set(['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']);

export function planFeatures(inputs: IoMeta[], settings: Record<string, InputSettings> = {}): FeaturePlan {
  const features: FeatureSource[] = [];
  const skipped: string[] = [];
  const room = () => MAX_MONITORED_FEATURES - features.length;
  for (const input of inputs) {
    if (!input.isTensor || !input.elementType || !NUMERIC.has(input.elementType)) {
      skipped.push(`"${input.name}" is not a numeric tensor`);
      continue;
    }
    const s = settings[input.name];
    const image = imageLayout(input, s);
    if (image) {
      const channels = Math.min(room(), image.channels);
      for (let c = 0; c < channels; c++) features.push({ name: `${input.name}:mean_c${c}`, input: input.name, kind: 'channel-mean', index: c, layout: image.layout });
      continue;
    }
    const dims = input.dims;
    if (dims.length <= 1 || (dims.length === 2 && dims[1] === 1)) {
      if (room() > 0) features.push({ name: input.name, input: input.name, kind: 'column', index: 0 });
      continue;
    }
    const width = dims[1];
    if (dims.length !== 2 || typeof width !== 'number') {
      skipped.push(`"${input.name}" has shape [${dims.map((d) => d ?? '?').join(', ')}]; only [batch, columns] inputs and images are summarised`);
      continue;
    }
    const names = s?.type === 'tabular' && s.features?.length === width ? s.features : null;
    const take = Math.min(room(), width);
    if (take < width) skipped.push(`"${input.name}": only the first ${take} of ${width} columns are monitored (at most ${MAX_MONITORED_FEATURES} features)`);
    for (let i = 0; i < take; i++) features.push({ name: names ? names[i] : `${input.name}[${i}]`, input: input.name, kind: 'column', index: i });
  }
  return { features, skipped };
}

function imageLayout(input: IoMeta, s: InputSettings | undefined): { layout: 'NCHW' | 'NHWC'; channels: number } | null {
  if (input.dims.length !== 4) return null;
  const channelsAt = (d: Dim, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  if (s?.type === 'image') {
    const fallback = s.colorOrder === 'GRAY' ? 1 : 3;
    return { layout: s.layout, channels: channelsAt(s.layout === 'NCHW' ? input.dims[1] : input.dims[3], fallback) };
  }
  if (s) return null;
  if (input.dims[1] === 1 || input.dims[1] === 3) return { layout: 'NCHW', channels: input.dims[1] };
  if (input.dims[3] === 1 || input.dims[3] === 3) return { layout: 'NHWC', channels: input.dims[3] };
  return null;
}

/** Problems a plan has against a model's inputs (a profile made for another model), as sentences. */
export function checkPlan(features: FeatureSource[], inputs: IoMeta[]): string[] {
  const problems: string[] = [];
  for (const f of features) {
    const input = inputs.find((i) => i.name === f.input);
    if (!input) { problems.push(`feature "${f.name}" reads input "${f.input}", which the model does not have`); continue; }
    if (!input.elementType || !NUMERIC.has(input.elementType)) { problems.push(`feature "${f.name}" reads "${f.input}", which is not numeric`); continue; }
    const width = f.kind === 'channel-mean' ? (f.layout === 'NHWC' ? input.dims[3] : input.dims[1]) : input.dims.length >= 2 ? input.dims[1] : 1;
    if (typeof width === 'number' && f.index >= width) problems.push(`feature "${f.name}" reads position ${f.index} of "${f.input}", which has ${width}`);
  }
  return problems;
}

/**
 * Reads every feature of every row of a batch into `out` (row-major, rows x features; NaN where a value is missing
 * or not finite) and returns the number of rows. `out` is grown only when too small, so a caller can keep one.
 */
export function extractFeatures(feeds: HostTensor[], features: FeatureSource[], out: { buffer: Float64Array }): number {
  const first = feeds[0];
  const rows = first ? (first.dims.length > 0 ? first.dims[0] : 1) : 0;
  const width = features.length;
  if (out.buffer.length < rows * width) out.buffer = new Float64Array(Math.max(rows * width, out.buffer.length * 2));
  const buf = out.buffer;
  for (let f = 0; f < width; f++) {
    const feature = features[f];
    let t: HostTensor | undefined;
    for (let k = 0; k < feeds.length; k++) if (feeds[k].name === feature.input) { t = feeds[k]; break; }
    if (!t || rows === 0 || t.data.length === 0) {
      for (let r = 0; r < rows; r++) buf[r * width + f] = NaN;
      continue;
    }
    const stride = t.data.length / rows;
    // Plain number arrays are read directly; bigint, float16 and strings through a converter.
    const direct = t.elementType !== 'int64' && t.elementType !== 'uint64' && t.elementType !== 'float16' && t.elementType !== 'string';
    const values = t.data as ArrayLike<number>;
    const read = direct ? null : reader(t);
    if (feature.kind === 'column') {
      for (let r = 0; r < rows; r++) {
        const at = r * stride + feature.index;
        buf[r * width + f] = feature.index >= stride ? NaN : read ? read(at) : values[at];
      }
      continue;
    }
    const nhwc = feature.layout === 'NHWC';
    const channels = nhwc ? t.dims[3] : t.dims[1];
    const plane = channels > 0 ? stride / channels : 0;
    // The mean of an evenly spread sample of at most IMAGE_SAMPLE pixels: a 224x224 image costs what a 16x16 does.
    const every = Math.max(1, Math.floor(plane / IMAGE_SAMPLE));
    const taken = Math.ceil(plane / every);
    const step = (nhwc ? channels : 1) * every;
    for (let r = 0; r < rows; r++) {
      if (feature.index >= channels || plane === 0) { buf[r * width + f] = NaN; continue; }
      const base = r * stride;
      const from = nhwc ? base + feature.index : base + feature.index * plane;
      let sum = 0;
      if (read) for (let p = 0, at = from; p < taken; p++, at += step) sum += read(at);
      else for (let p = 0, at = from; p < taken; p++, at += step) sum += values[at];
      buf[r * width + f] = sum / taken;
    }
  }
  for (let i = 0; i < rows * width; i++) if (!Number.isFinite(buf[i])) buf[i] = NaN;
  return rows;
}

function reader(t: HostTensor): (i: number) => number {
  const data = t.data;
  switch (t.elementType) {
    case 'int64': case 'uint64': return (i) => Number((data as BigInt64Array)[i]);
    case 'float16': return (i) => float16BitsToNumber((data as Uint16Array)[i]);
    case 'string': return () => NaN;
    default: return (i) => (data as Float64Array)[i];
  }
}
