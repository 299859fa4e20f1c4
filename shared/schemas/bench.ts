import { z } from 'zod';

export const BenchRequestSchema = z.object({
  modelPath: z.string(),
  batchSizes: z.array(z.number().int().min(1).max(4096)).min(1).default([1]),
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
  threads: z.array(z.number().int().min(0).max(256)).min(1).default([1]),
  warmupRuns: z.number().int().min(0).max(1000).default(5),
  runs: z.number().int().min(1).max(100000).default(50),
  /** Save results beside the spec (modeldock.bench.json) for capacity planning. */
  save: z.boolean().default(true),
  /** The spec the results belong to; by default the modeldock.yaml beside the model. */
  specPath: z.string().optional(),
});
export type BenchRequest = z.input<typeof BenchRequestSchema>;

export const BenchProgressSchema = z.object({
  phase: z.enum(['loading', 'warmup', 'measure']),
  batchSize: z.number().int(),
  threads: z.number().int(),
  /** Runs done over all configurations, for one overall progress bar. */
  done: z.number().int(),
  total: z.number().int(),
});
export type BenchProgress = z.infer<typeof BenchProgressSchema>;

export const BenchConfigResultSchema = z.object({
  batchSize: z.number().int(),
  threads: z.number().int(),
  runs: z.number().int(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
  /** Items (rows of the batch) per second at the median latency. */
  throughput: z.number(),
  samples: z.array(z.number()),
});
export type BenchConfigResult = z.infer<typeof BenchConfigResultSchema>;

export const BenchResultSchema = z.object({
  modelPath: z.string(),
  createdAt: z.string(),
  host: z.object({ cpus: z.number().int(), cpuModel: z.string(), platform: z.string(), ortVersion: z.string() }),
  results: z.array(BenchConfigResultSchema),
  cancelled: z.boolean(),
  savedTo: z.string().nullable(),
  /** Things the user should know about how the figures were taken (e.g. a fixed batch size replaced the chosen ones). */
  notes: z.array(z.string()).optional(),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;
