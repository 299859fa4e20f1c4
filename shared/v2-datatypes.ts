import type { ElementType } from './schemas/tensor';

/** V2 Open Inference Protocol datatype names <-> ONNX element types: the serving runtime and the app's Try panel share it. */
const TO_V2: Partial<Record<ElementType, string>> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES', bfloat16: 'BF16',
};

export const V2_DATATYPES = Object.values(TO_V2);

/** The V2 name of an element type, or undefined where V2 has none. */
export function v2DatatypeOf(type: ElementType): string | undefined {
  return TO_V2[type];
}

export function toV2Datatype(type: ElementType | null): string {
  return (type && TO_V2[type]) ?? 'BYTES';
}

export function fromV2Datatype(name: string): ElementType | null {
  for (const [type, v2] of Object.entries(TO_V2)) if (v2 === name) return type as ElementType;
  return null;
}
