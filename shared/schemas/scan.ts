import { z } from 'zod';

/**
 * The static safety scan of a model file: what its pickles import and call, and what its configs and code
 * members carry, found without executing or unpickling anything.
 */
export const SCAN_VERDICTS = ['safe', 'unverified', 'dangerous'] as const;
export const ScanVerdictSchema = z.enum(SCAN_VERDICTS);
export type ScanVerdict = z.infer<typeof ScanVerdictSchema>;

/** Where something was found: the zip member or stream (null for the file itself) and the byte offset in it. */
export const ScanLocationSchema = z.object({
  member: z.string().nullable(),
  offset: z.number().int(),
});
export type ScanLocation = z.infer<typeof ScanLocationSchema>;

/** One distinct import (GLOBAL, STACK_GLOBAL, INST), with every place it occurs (the first 20). */
export const ScanImportSchema = z.object({
  module: z.string(),
  name: z.string(),
  verdict: ScanVerdictSchema,
  /** Why this verdict, in plain words. */
  reason: z.string(),
  count: z.number().int(),
  where: z.array(ScanLocationSchema),
});
export type ScanImport = z.infer<typeof ScanImportSchema>;

export const SCAN_CALL_KINDS = ['REDUCE', 'BUILD', 'NEWOBJ', 'NEWOBJ_EX', 'OBJ', 'INST'] as const;

/** One distinct call: what the unpickler would call, "module.name" or a description of a computed callable. */
export const ScanCallSchema = z.object({
  kind: z.enum(SCAN_CALL_KINDS),
  target: z.string(),
  /** False when the callable is computed (not a plain import), which the scan cannot vouch for. */
  resolved: z.boolean(),
  count: z.number().int(),
  where: z.array(ScanLocationSchema),
});
export type ScanCall = z.infer<typeof ScanCallSchema>;

/** Anything else that decides the verdict: a damaged stream, a Lambda layer, code that imports os... */
export const ScanFindingSchema = z.object({
  verdict: ScanVerdictSchema,
  title: z.string(),
  detail: z.string(),
  where: ScanLocationSchema.nullable(),
});
export type ScanFinding = z.infer<typeof ScanFindingSchema>;

export const ScanReportSchema = z.object({
  path: z.string(),
  /** What was scanned, e.g. "joblib dump (zlib-compressed)", "PyTorch zip archive". */
  container: z.string(),
  verdict: ScanVerdictSchema,
  /** One or two plain sentences: what the scan found. */
  summary: z.string(),
  /** What to do next. */
  advice: z.string(),
  /** Zip members or streams that were scanned. */
  scanned: z.array(z.string()),
  imports: z.array(ScanImportSchema),
  calls: z.array(ScanCallSchema),
  findings: z.array(ScanFindingSchema),
  bytesScanned: z.number(),
  scanMs: z.number(),
});
export type ScanReport = z.infer<typeof ScanReportSchema>;
