import { z } from 'zod';
import { ProvenanceSchema } from './provenance';
import { ScanReportSchema } from './scan';
import { DimSchema, ElementTypeSchema } from './tensor';

export const MODEL_FORMATS = [
  'onnx', 'pickle', 'joblib', 'pytorch-zip', 'pytorch-legacy', 'torchscript', 'keras-h5', 'keras-v3',
  'tf-savedmodel', 'safetensors', 'tflite', 'unknown',
] as const;
export const ModelFormatSchema = z.enum(MODEL_FORMATS);
export type ModelFormat = z.infer<typeof ModelFormatSchema>;

/** One graph input or output. `typeText` spells the full type for non-tensors, e.g. "seq(map(int64,tensor(float)))". */
export const ValueInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['tensor', 'sequence', 'map', 'optional', 'sparse_tensor', 'unknown']),
  elementType: ElementTypeSchema.nullable(),
  shape: z.array(DimSchema).nullable(),
  typeText: z.string(),
  docString: z.string().optional(),
});
export type ValueInfo = z.infer<typeof ValueInfoSchema>;

export const OpsetImportSchema = z.object({ domain: z.string(), version: z.number().int() });
export type OpsetImport = z.infer<typeof OpsetImportSchema>;

export const ExternalDataFileSchema = z.object({
  location: z.string(),
  /** Bytes the model says it reads from this file (sum of lengths; null where a tensor reads to the end). */
  bytes: z.number().nullable(),
  tensors: z.number().int(),
  /** Absolute path once resolved inside the model's folder; null when missing or rejected. */
  resolvedPath: z.string().nullable(),
  problem: z.string().optional(),
});
export type ExternalDataFile = z.infer<typeof ExternalDataFileSchema>;

export const OnnxSummarySchema = z.object({
  irVersion: z.number().int(),
  opsetImports: z.array(OpsetImportSchema),
  producerName: z.string(),
  producerVersion: z.string(),
  domain: z.string(),
  modelVersion: z.number(),
  docString: z.string(),
  graphName: z.string(),
  metadata: z.array(z.object({ key: z.string(), value: z.string() })),
  inputs: z.array(ValueInfoSchema),
  outputs: z.array(ValueInfoSchema),
  nodeCount: z.number().int(),
  opHistogram: z.array(z.object({ opType: z.string(), domain: z.string(), count: z.number().int() })),
  initializerCount: z.number().int(),
  parameterCount: z.number(),
  parameterBytes: z.number(),
  customDomains: z.array(z.string()),
  externalData: z.array(ExternalDataFileSchema),
  /** Class names found in metadata_props (e.g. "labels", "classes"), in output index order. */
  labels: z.array(z.string()).nullable(),
});
export type OnnxSummary = z.infer<typeof OnnxSummarySchema>;

/** For files that are not ONNX: what they are and how to get to ONNX. */
export const ConversionHintSchema = z.object({
  summary: z.string(),
  steps: z.array(z.string()),
  snippet: z.string(),
  snippetLanguage: z.enum(['python', 'shell']),
});
export type ConversionHint = z.infer<typeof ConversionHintSchema>;

export const ModelReportSchema = z.object({
  path: z.string(),
  fileName: z.string(),
  format: ModelFormatSchema,
  formatLabel: z.string(),
  /** Size on disk of the model file, plus external data files for ONNX. */
  bytes: z.number(),
  onnx: OnnxSummarySchema.optional(),
  conversion: ConversionHintSchema.optional(),
  /** Static safety scan (non-ONNX files): what loading the file would import and run. Optional, additive. */
  scan: ScanReportSchema.optional(),
  /** ONNX models ModelDock converted: where the model came from (<name>.onnx.provenance.json beside it). Optional, additive. */
  provenance: ProvenanceSchema.optional(),
  inspectMs: z.number(),
});
export type ModelReport = z.infer<typeof ModelReportSchema>;

export const RecentModelSchema = z.object({
  path: z.string(),
  name: z.string(),
  format: ModelFormatSchema,
  openedAt: z.string(),
});
export type RecentModel = z.infer<typeof RecentModelSchema>;
