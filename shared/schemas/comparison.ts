import { z } from 'zod';

/**
 * How a converted ONNX model's outputs compare with the original model's on the same sample inputs. Shared by the
 * conversion result and the provenance record kept beside the ONNX file.
 */
export const OutputComparisonSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  /** null when the outputs could not be compared (shapes differ, the run failed). */
  maxAbsDiff: z.number().nullable(),
  /** Elements outside tolerance (or unequal, for labels). */
  mismatches: z.number().int(),
  problem: z.string().optional(),
});

export const SampleComparisonSchema = z.object({
  batch: z.number().int(),
  maxAbsDiff: z.number().nullable(),
  passed: z.boolean(),
  outputs: z.array(OutputComparisonSchema),
});

export const ComparisonSchema = z.object({
  /** The largest difference over all samples and outputs; null when some output could not be compared. */
  maxAbsDiff: z.number().nullable(),
  /** An element passes when |onnx - original| <= tolerance + relativeTolerance * |original|. */
  tolerance: z.number(),
  relativeTolerance: z.number(),
  passed: z.boolean(),
  /** One per sample batch (batch 1 and 3: a second batch size proves the batch axis is dynamic). */
  samples: z.array(SampleComparisonSchema),
});
export type Comparison = z.infer<typeof ComparisonSchema>;
