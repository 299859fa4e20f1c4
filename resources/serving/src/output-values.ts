import { float16BitsToNumber } from '../../../main/inference/float16';
import type { HostTensor } from '../../../main/inference/host-tensor';

/**
 * Output tensors -> JSON values. int64 within 2^53 become numbers (beyond, decimal strings so nothing rounds);
 * bool becomes true/false; float16 decodes; NaN and infinities become null (JSON has no spelling for them).
 */
export function flatValues(t: HostTensor): unknown[] {
  const n = t.data.length;
  const out = new Array<unknown>(n);
  const data = t.data;
  switch (t.elementType) {
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = (data as Uint8Array)[i] !== 0;
      return out;
    case 'float16':
      for (let i = 0; i < n; i++) out[i] = finite(float16BitsToNumber((data as Uint16Array)[i]));
      return out;
    case 'int64': case 'uint64':
      for (let i = 0; i < n; i++) {
        const v = (data as BigInt64Array)[i];
        out[i] = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
      }
      return out;
    case 'string':
      for (let i = 0; i < n; i++) out[i] = (data as string[])[i];
      return out;
    case 'float32': case 'float64':
      for (let i = 0; i < n; i++) out[i] = finite((data as Float32Array)[i]);
      return out;
    default:
      for (let i = 0; i < n; i++) out[i] = (data as Int32Array)[i];
      return out;
  }
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** The tensor as nested lists following its dims (a rank-0 tensor is its single value). */
export function nestedValues(t: HostTensor): unknown {
  const flat = flatValues(t);
  if (t.dims.length === 0) return flat[0] ?? null;
  return nest(flat, t.dims, 0, 0);
}

function nest(flat: unknown[], dims: number[], axis: number, offset: number): unknown[] {
  const size = dims[axis];
  if (axis === dims.length - 1) return flat.slice(offset, offset + size);
  const stride = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Array<unknown>(size);
  for (let i = 0; i < size; i++) out[i] = nest(flat, dims, axis + 1, offset + i * stride);
  return out;
}

/** Per row of the first axis, the row's nested values. */
export function rowValues(t: HostTensor): unknown[] {
  const nested = nestedValues(t);
  return Array.isArray(nested) ? nested : [nested];
}

/**
 * One class per row of a classifier's output, or null when the output is not one: integer class ids ([batch] or
 * [batch, 1]) index the labels; scores ([batch, C], C > 1) give the arg-max. With labels, C must match them.
 */
export function rowClasses(t: HostTensor, labels: string[] | null): Array<string> | null {
  const rows = t.dims.length > 0 ? t.dims[0] : 1;
  const isInt = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].includes(t.elementType);
  const isFloat = t.elementType === 'float32' || t.elementType === 'float64' || t.elementType === 'float16';
  if (isInt && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[1] === 1))) {
    const out: string[] = [];
    for (let r = 0; r < rows; r++) {
      const id = Number(t.data[r] as number | bigint);
      out.push(labels ? labels[id] ?? String(id) : String(id));
    }
    return out;
  }
  if (isFloat && t.dims.length === 2 && t.dims[1] > 1) {
    const width = t.dims[1];
    if (labels && labels.length !== width) return null;
    const out: string[] = [];
    const read = t.elementType === 'float16' ? (i: number) => float16BitsToNumber((t.data as Uint16Array)[i]) : (i: number) => (t.data as Float32Array)[i];
    for (let r = 0; r < rows; r++) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < width; c++) {
        const s = read(r * width + c);
        if (s > bestScore) { bestScore = s; best = c; }
      }
      out.push(labels ? labels[best] : String(best));
    }
    return out;
  }
  return null;
}
