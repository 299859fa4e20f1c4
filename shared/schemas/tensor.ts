import { z } from 'zod';

/** ONNX TensorProto.DataType names as users see them (float32, int64, ...). */
export const ELEMENT_TYPES = [
  'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool', 'float16', 'float64',
  'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2',
  'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1', 'unknown',
] as const;
export const ElementTypeSchema = z.enum(ELEMENT_TYPES);
export type ElementType = z.infer<typeof ElementTypeSchema>;

/** ONNX TensorProto.DataType enum value -> name. Index 0 is UNDEFINED. */
export const ONNX_DATA_TYPE_NAMES: Record<number, ElementType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4',
  23: 'float4e2m1',
};

/** A dimension: a fixed size, a symbolic name ("batch"), or null when the model leaves it unknown. */
export const DimSchema = z.union([z.number().int(), z.string(), z.null()]);
export type Dim = z.infer<typeof DimSchema>;

/**
 * A tensor as JSON carries it between UI and engine. int64/uint64 values beyond 2^53 travel as decimal strings so
 * nothing is rounded; bool as true/false; string tensors as strings.
 */
export const WireTensorSchema = z.object({
  name: z.string(),
  elementType: ElementTypeSchema,
  dims: z.array(z.number().int().nonnegative()),
  data: z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])),
});
export type WireTensor = z.infer<typeof WireTensorSchema>;
