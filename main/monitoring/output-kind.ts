import { float16BitsToNumber } from '../inference/float16';
import type { HostTensor } from '../inference/host-tensor';
import type { IoMeta } from '../inference/worker-protocol';

/**
 * What a model's primary output is, for monitoring: class ids ([batch] or [batch, 1] integers), class scores
 * ([batch, C] floats, C > 1: the arg-max is the class), one value per row ([batch] or [batch, 1] floats: a
 * regression), or something else (not monitored).
 */
export type OutputKind = 'class-ids' | 'class-scores' | 'values' | 'other';

const INTEGER = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const FLOAT = new Set(['float32', 'float64', 'float16']);

export function outputKind(output: Pick<IoMeta, 'elementType' | 'dims'>): OutputKind {
  const type = output.elementType ?? '';
  const dims = output.dims;
  const oneColumn = dims.length === 1 || (dims.length === 2 && dims[1] === 1);
  if (INTEGER.has(type) && oneColumn) return 'class-ids';
  if (FLOAT.has(type) && dims.length === 2 && (dims[1] === null || typeof dims[1] !== 'number' || dims[1] > 1)) return 'class-scores';
  if (FLOAT.has(type) && oneColumn) return 'values';
  return 'other';
}

/** Class index per row (arg-max of scores, or the id itself); -1 for a row without one. */
export function rowClassIndex(t: HostTensor, row: number, kind: OutputKind): number {
  if (kind === 'class-ids') {
    const v = Number(t.data[row] as number | bigint);
    return Number.isInteger(v) ? v : -1;
  }
  const width = t.dims[1] ?? 0;
  if (width <= 1) return -1;
  const half = t.elementType === 'float16';
  const data = t.data as Float32Array;
  let best = -1;
  let bestScore = -Infinity;
  for (let c = 0, at = row * width; c < width; c++, at++) {
    const s = half ? float16BitsToNumber((t.data as Uint16Array)[at]) : data[at];
    if (s > bestScore) { bestScore = s; best = c; }
  }
  return best;
}

/** The value of a one-value-per-row output. */
export function rowValue(t: HostTensor, row: number): number {
  const stride = t.dims[0] > 0 ? t.data.length / t.dims[0] : 1;
  const at = row * stride;
  return t.elementType === 'float16' ? float16BitsToNumber((t.data as Uint16Array)[at]) : Number((t.data as Float32Array)[at]);
}
