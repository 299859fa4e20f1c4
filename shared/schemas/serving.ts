import { z } from 'zod';
import { RuntimeMonitoringSchema } from './monitoring';
import { InputSettingsSchema, ServingSettingsSchema } from './spec';

/**
 * The serving runtime's resolved configuration: what the spec says, with paths made absolute and labels read, so
 * the runtime in the image needs no YAML parser and no spec folder. The engine writes it (main/serving) into the
 * image or hands it to `modeldock serve`; environment variables override `serving` at start.
 */
export const RuntimeConfigSchema = z.object({
  model: z.object({
    path: z.string().min(1),
    name: z.string().min(1),
    version: z.string().min(1).default('1'),
    description: z.string().optional(),
  }).strict(),
  labels: z.array(z.string()).nullable().default(null),
  inputs: z.record(z.string(), InputSettingsSchema).default({}),
  serving: ServingSettingsSchema.default({}),
  /** Model monitoring (absent: on, with no reference profile: summaries but no drift scores). */
  monitoring: RuntimeMonitoringSchema.optional(),
}).strict();
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;
export type RuntimeConfigInput = z.input<typeof RuntimeConfigSchema>;
