import { ModelDockError } from '../../shared/errors';
import type { ElementType, WireTensor } from '../../shared/schemas/tensor';
import { float16BitsToNumber, numberToFloat16Bits } from './float16';
import {
  INTEGER_RANGES, allocateValues, elementCount, formatDims, isFloatType, isIntegerType, isRuntimeElementType,
  unsupportedType, type HostTensor, type TensorValues,
} from './host-tensor';

/**
 * WireTensor (JSON: numbers, strings, booleans) <-> HostTensor (typed arrays). 64-bit integers beyond 2^53 travel
 * as decimal strings so nothing is rounded; non-finite floats travel as "NaN" / "Infinity" / "-Infinity" because
 * JSON has no spelling for them.
 */

/** Why a single value could not become the element type, or null when it converts. */
type Converted = { ok: true; value: number | bigint | string } | { ok: false; why: string };

const FLOAT_WORDS: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity, '+inf': Infinity, '+infinity': Infinity, '-inf': -Infinity, '-infinity': -Infinity };

function toFloat(value: unknown): Converted {
  if (typeof value === 'number') return { ok: true, value };
  if (typeof value === 'bigint') return { ok: true, value: Number(value) };
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  if (value === null) return { ok: true, value: NaN };
  if (typeof value === 'string') {
    const text = value.trim();
    const word = FLOAT_WORDS[text.toLowerCase()];
    if (word !== undefined) return { ok: true, value: word };
    const n = Number(text);
    if (text !== '' && !Number.isNaN(n)) return { ok: true, value: n };
    return { ok: false, why: `"${value}" is not a number` };
  }
  return { ok: false, why: `${describeValue(value)} is not a number` };
}

function toInteger(value: unknown, type: ElementType): Converted {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'boolean') big = value ? 1n : 0n;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { ok: false, why: `${value} is not a whole number` };
    big = BigInt(value);
  } else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) {
    big = BigInt(value.trim());
  } else if (typeof value === 'string' && value.trim() !== '' && Number.isInteger(Number(value))) {
    big = BigInt(Number(value));
  } else {
    return { ok: false, why: `${describeValue(value)} is not a whole number` };
  }
  const [lo, hi] = INTEGER_RANGES[type];
  if (big < lo || big > hi) return { ok: false, why: `${big} is outside ${type}'s range ${lo}..${hi}` };
  return { ok: true, value: type === 'int64' || type === 'uint64' ? big : Number(big) };
}

function toBool(value: unknown): Converted {
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  if (value === 0 || value === 1) return { ok: true, value };
  if (value === 0n || value === 1n) return { ok: true, value: Number(value) };
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true' || t === '1') return { ok: true, value: 1 };
    if (t === 'false' || t === '0') return { ok: true, value: 0 };
  }
  return { ok: false, why: `${describeValue(value)} is not a boolean (use true/false or 1/0)` };
}

export function convertValue(value: unknown, type: ElementType): Converted {
  if (isFloatType(type)) return toFloat(value);
  if (isIntegerType(type)) return toInteger(value, type);
  if (type === 'bool') return toBool(value);
  if (type === 'string') {
    if (typeof value === 'string') return { ok: true, value };
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return { ok: true, value: String(value) };
    return { ok: false, why: `${describeValue(value)} is not text` };
  }
  return { ok: false, why: `element type ${type} is not supported` };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

/** Position of a flat index in a tensor, e.g. [1, 3], for messages. */
export function indexToPosition(index: number, dims: readonly number[]): string {
  const pos: number[] = [];
  let rest = index;
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = Math.max(dims[i], 1);
    pos.unshift(rest % d);
    rest = Math.floor(rest / d);
  }
  return `[${pos.join(', ')}]`;
}

/**
 * Plain values -> typed array of `type`, converting where it is safe (JSON numbers to int64 or float, "1" to 1,
 * true to 1). A value that cannot convert is an error naming the tensor and the element's position.
 */
export function valuesToTyped(values: ArrayLike<unknown>, type: ElementType, tensorName: string, dims: readonly number[]): TensorValues {
  if (!isRuntimeElementType(type)) throw unsupportedType(type, `Input "${tensorName}"`);
  const out = allocateValues(type, values.length);
  for (let i = 0; i < values.length; i++) {
    const converted = convertValue(values[i], type);
    if (!converted.ok) {
      throw new ModelDockError({
        code: 'bad-tensor-value',
        title: 'A value does not fit the input',
        message: `Input "${tensorName}" expects ${type}, but the value at ${indexToPosition(i, dims)} does not fit: ${converted.why}.`,
        fix: `Give ${type} values for "${tensorName}".`,
      });
    }
    storeValue(out, i, converted.value, type);
  }
  return out;
}

function storeValue(out: TensorValues, index: number, value: number | bigint | string, type: ElementType): void {
  if (type === 'float16') (out as Uint16Array)[index] = numberToFloat16Bits(Number(value));
  else if (type === 'int64' || type === 'uint64') (out as BigInt64Array)[index] = BigInt(value as bigint);
  else if (type === 'string') (out as string[])[index] = String(value);
  else (out as Float64Array)[index] = Number(value);
}

/** Element i as a JS number / bigint / string (float16 decoded, bool as 0/1). */
export function readValue(t: Pick<HostTensor, 'elementType' | 'data'>, index: number): number | bigint | string {
  const v = t.data[index];
  if (t.elementType === 'float16') return float16BitsToNumber(v as number);
  return v as number | bigint | string;
}

/** Element i as a JS number (for statistics and comparisons; 64-bit ints may round). */
export function readNumber(t: Pick<HostTensor, 'elementType' | 'data'>, index: number): number {
  const v = readValue(t, index);
  return typeof v === 'string' ? Number(v) : Number(v);
}

export function wireToHost(wire: WireTensor, targetType: ElementType = wire.elementType): HostTensor {
  const count = elementCount(wire.dims);
  if (count !== wire.data.length) {
    throw new ModelDockError({
      code: 'tensor-size-mismatch',
      title: 'Tensor data does not match its shape',
      message: `Tensor "${wire.name}" has shape ${formatDims(wire.dims)} (${count} values) but carries ${wire.data.length} values.`,
      fix: 'Make the data length equal to the product of the dimensions.',
    });
  }
  return { name: wire.name, elementType: targetType, dims: [...wire.dims], data: valuesToTyped(wire.data, targetType, wire.name, wire.dims) };
}

export function hostToWire(t: HostTensor): WireTensor {
  const n = t.data.length;
  const data: Array<number | string | boolean | null> = new Array(n);
  const type = t.elementType;
  for (let i = 0; i < n; i++) {
    const v = t.data[i];
    if (type === 'bool') data[i] = v !== 0;
    else if (type === 'string') data[i] = v as string;
    else if (typeof v === 'bigint') data[i] = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    else {
      const num = type === 'float16' ? float16BitsToNumber(v as number) : (v as number);
      data[i] = Number.isFinite(num) ? num : Number.isNaN(num) ? 'NaN' : num > 0 ? 'Infinity' : '-Infinity';
    }
  }
  return { name: t.name, elementType: type, dims: [...t.dims], data };
}

/** Copy of a tensor converted to another element type, or null when some value would not survive the conversion. */
export function coerceTensor(t: HostTensor, type: ElementType): HostTensor | null {
  if (t.elementType === type) return t;
  if (!isRuntimeElementType(type)) return null;
  if (type === 'string' || t.elementType === 'string') return null;
  const out = allocateValues(type, t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const converted = convertValue(readValue(t, i), type);
    if (!converted.ok) return null;
    storeValue(out, i, converted.value, type);
  }
  return { ...t, elementType: type, data: out };
}
