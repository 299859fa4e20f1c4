import { ModelDockError } from '../../shared/errors';
import type { ElementType } from '../../shared/schemas/tensor';

/**
 * A tensor as the engine holds it in memory: values in the typed array ONNX Runtime expects, so it crosses to the
 * worker (structured clone) without per-element work. float16 travels as its IEEE bits in a Uint16Array (Node 20
 * has no Float16Array), bool as 0/1 bytes.
 */
export type TensorValues =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | string[];

export interface HostTensor {
  name: string;
  elementType: ElementType;
  dims: number[];
  data: TensorValues;
}

/** Copies of `feeds` with data of their own: a run moves typed arrays to its thread, so reused samples need copies. */
export function copyFeeds(feeds: HostTensor[]): HostTensor[] {
  return feeds.map((t) => ({ ...t, data: Array.isArray(t.data) ? [...t.data] : t.data.slice() }));
}

/** Element types onnxruntime-node can feed and return (int4/uint4 and the float8 family are not exposed to JS). */
export const RUNTIME_ELEMENT_TYPES = [
  'float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
] as const satisfies readonly ElementType[];
export type RuntimeElementType = (typeof RUNTIME_ELEMENT_TYPES)[number];

export function isRuntimeElementType(type: string): type is RuntimeElementType {
  return (RUNTIME_ELEMENT_TYPES as readonly string[]).includes(type);
}

export const FLOAT_TYPES: readonly ElementType[] = ['float32', 'float64', 'float16'];
export const INTEGER_TYPES: readonly ElementType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];

export function isFloatType(type: ElementType): boolean {
  return FLOAT_TYPES.includes(type);
}

export function isIntegerType(type: ElementType): boolean {
  return INTEGER_TYPES.includes(type);
}

/** Inclusive value range of each integer type, as bigint so 64-bit bounds are exact. */
export const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 4294967295n],
  uint64: [0n, (1n << 64n) - 1n],
  bool: [0n, 1n],
};

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** An empty value array of the right kind for an element type. */
export function allocateValues(type: ElementType, length: number): TensorValues {
  switch (type) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'float16': return new Uint16Array(length);
    case 'int8': return new Int8Array(length);
    case 'int16': return new Int16Array(length);
    case 'int32': return new Int32Array(length);
    case 'int64': return new BigInt64Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'uint32': return new Uint32Array(length);
    case 'uint64': return new BigUint64Array(length);
    case 'bool': return new Uint8Array(length);
    case 'string': return new Array<string>(length).fill('');
    default: throw unsupportedType(type);
  }
}

/** Bytes per element in ONNX's raw_data / numpy layout (strings have none). */
export function bytesPerElement(type: ElementType): number {
  switch (type) {
    case 'float64': case 'int64': case 'uint64': return 8;
    case 'float32': case 'int32': case 'uint32': return 4;
    case 'float16': case 'int16': case 'uint16': case 'bfloat16': return 2;
    case 'int8': case 'uint8': case 'bool': return 1;
    default: return 0;
  }
}

export function unsupportedType(type: string, what = 'This tensor'): ModelDockError {
  return new ModelDockError({
    code: 'unsupported-element-type',
    title: 'Unsupported element type',
    message: `${what} has element type ${type}, which ONNX Runtime for Node cannot exchange with ModelDock.`,
    fix: `Use one of: ${RUNTIME_ELEMENT_TYPES.join(', ')}.`,
  });
}

/** "[batch, 4]" as users read shapes. */
/** Shapes with more axes than this are shortened in messages (a request can nest lists thousands deep). */
const SHOWN_AXES = 12;

export function formatDims(dims: ReadonlyArray<number | string | null>): string {
  const shown = dims.length > SHOWN_AXES ? dims.slice(0, SHOWN_AXES) : dims;
  const text = shown.map((d) => (d === null || d === '' ? '?' : String(d))).join(', ');
  return dims.length > SHOWN_AXES ? `[${text}, … ${dims.length} dimensions in all]` : `[${text}]`;
}
