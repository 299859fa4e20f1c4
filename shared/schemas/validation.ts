import { z } from 'zod';
import { ElementTypeSchema } from './tensor';

export const SeveritySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

/** A fix the engine can apply itself; the UI shows it as a button, the CLI as a command. */
export const FixKindSchema = z.enum(['remove-zipmap']);
export type FixKind = z.infer<typeof FixKindSchema>;

export const FindingSchema = z.object({
  /** Stable identifier of the check, e.g. "structure.undefined-input". */
  check: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  /** Why it matters in production. */
  detail: z.string(),
  /** What to do about it. */
  hint: z.string().optional(),
  fix: z.object({ kind: FixKindSchema, label: z.string() }).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const SmokeRunSchema = z.object({
  sessionCreateMs: z.number(),
  runMs: z.number(),
  outputs: z.array(z.object({
    name: z.string(),
    elementType: ElementTypeSchema,
    dims: z.array(z.number()),
    nanCount: z.number().int(),
    infCount: z.number().int(),
  })),
});
export type SmokeRun = z.infer<typeof SmokeRunSchema>;

export const ValidationReportSchema = z.object({
  path: z.string(),
  /** True when there is no finding of severity error. */
  ok: z.boolean(),
  findings: z.array(FindingSchema),
  smokeRun: SmokeRunSchema.nullable(),
  checkedAt: z.string(),
});
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

export const StepProgressSchema = z.object({
  step: z.string(),
  index: z.number().int(),
  total: z.number().int(),
});
export type StepProgress = z.infer<typeof StepProgressSchema>;
