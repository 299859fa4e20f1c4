import { z } from 'zod';
import { WireTensorSchema } from './tensor';

/**
 * Where a prediction's inputs come from. `name` binds the source to one model input; without it a source feeds
 * the model's inputs in order (or, for JSON objects keyed by input name, all of them).
 */
export const InputSourceSchema = z.discriminatedUnion('kind', [
  /** JSON text: nested arrays, {"instances": [...]}, or one object per input for multi-input models. */
  z.object({ kind: z.literal('json'), name: z.string().optional(), text: z.string() }),
  /** A file on the engine's side: .json, .csv, .npy, .pb (TensorProto), .png/.jpg. */
  z.object({ kind: z.literal('file'), name: z.string().optional(), path: z.string() }),
  z.object({ kind: z.literal('tensor'), tensor: WireTensorSchema }),
]);
export type InputSource = z.infer<typeof InputSourceSchema>;

export const PredictRequestSchema = z.object({
  modelPath: z.string(),
  inputs: z.array(InputSourceSchema),
  /** Spec file whose labels and preprocessing apply; by default the modeldock.yaml beside the model, if any. */
  specPath: z.string().optional(),
  /** Run the same inputs this many times to get latency figures (the first run is reported separately). */
  repeat: z.number().int().min(1).max(10000).default(1),
  topK: z.number().int().min(1).max(100).default(5),
});
export type PredictRequest = z.input<typeof PredictRequestSchema>;

export const ClassScoreSchema = z.object({ index: z.number().int(), label: z.string().nullable(), score: z.number() });

export const ClassificationSchema = z.object({
  /** Output the scores came from. */
  output: z.string(),
  /** Whether scores look like probabilities (each row sums to ~1) or raw logits. */
  scoreKind: z.enum(['probability', 'logit', 'score']),
  rows: z.array(z.object({ top: z.array(ClassScoreSchema) })),
});
export type Classification = z.infer<typeof ClassificationSchema>;

export const LatencyStatsSchema = z.object({
  runs: z.number().int(),
  firstMs: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  samples: z.array(z.number()),
});
export type LatencyStats = z.infer<typeof LatencyStatsSchema>;

/** An image input's tensor turned back into a picture: what the model sees of a photo (main/inference/image-preview.ts). */
export const ImagePreviewSchema = z.object({
  input: z.string(),
  /** The file it came from. */
  source: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  layout: z.enum(['NCHW', 'NHWC']),
  channelNames: z.array(z.string()),
  /** The values the model got, per channel in tensor order. */
  channels: z.array(z.object({ min: z.number(), max: z.number(), mean: z.number() })),
  /** PNG, base64. */
  png: z.string(),
});
export type ImagePreview = z.infer<typeof ImagePreviewSchema>;

export const PredictResponseSchema = z.object({
  inputs: z.array(z.object({ name: z.string(), elementType: z.string(), dims: z.array(z.number()) })),
  outputs: z.array(WireTensorSchema),
  classification: ClassificationSchema.nullable(),
  latency: LatencyStatsSchema,
  /** What the person should know about how the inputs were read (e.g. a photo the model sees turned). */
  notes: z.array(z.string()).default([]),
  /** The first few image inputs, as the model sees them. */
  previews: z.array(ImagePreviewSchema).default([]),
});
export type PredictResponse = z.infer<typeof PredictResponseSchema>;

export const SampleInputsRequestSchema = z.object({
  modelPath: z.string(),
  fill: z.enum(['sample', 'random', 'zeros']).default('sample'),
  /** Value used for dynamic dimensions (batch and others). */
  dynamicDim: z.number().int().min(1).max(4096).default(1),
});
export type SampleInputsRequest = z.input<typeof SampleInputsRequestSchema>;
export const SampleInputsResponseSchema = z.object({ inputs: z.array(WireTensorSchema) });
export type SampleInputsResponse = z.infer<typeof SampleInputsResponseSchema>;
