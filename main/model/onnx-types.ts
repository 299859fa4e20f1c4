import { ONNX_DATA_TYPE_NAMES, type ElementType } from '../../shared/schemas/tensor';

/** ONNX element type name -> TensorProto.DataType number. */
export const ONNX_DATA_TYPE_NUMBERS: Record<string, number> = Object.fromEntries(
  Object.entries(ONNX_DATA_TYPE_NAMES).map(([num, name]) => [name, Number(num)]),
);

export function elementTypeName(dataType: number): ElementType {
  return ONNX_DATA_TYPE_NAMES[dataType] ?? 'unknown';
}

export function elementTypeNumber(type: ElementType | number): number {
  if (typeof type === 'number') return type;
  const num = ONNX_DATA_TYPE_NUMBERS[type];
  if (num === undefined) throw new Error(`No ONNX data type for "${type}"`);
  return num;
}

/** Bytes per element; 4-bit types are half a byte; strings have no fixed size (0). */
export function elementByteSize(dataType: number): number {
  switch (elementTypeName(dataType)) {
    case 'uint8': case 'int8': case 'bool':
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz':
      return 1;
    case 'uint16': case 'int16': case 'float16': case 'bfloat16':
      return 2;
    case 'float32': case 'int32': case 'uint32':
      return 4;
    case 'float64': case 'int64': case 'uint64': case 'complex64':
      return 8;
    case 'complex128':
      return 16;
    case 'uint4': case 'int4': case 'float4e2m1':
      return 0.5;
    default:
      return 0;
  }
}

/** Operator domains ONNX Runtime ships kernels for; anything else needs a custom-op library. */
export const BUILTIN_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training', 'com.microsoft']);

/** The default domain has two spellings. */
export function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}
