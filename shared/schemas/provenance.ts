import { z } from 'zod';
import { ComparisonSchema } from './comparison';
import { ScanReportSchema } from './scan';

/**
 * Where a converted ONNX model came from: the original file (with its sha256 and static safety scan), whether the
 * user accepted the scan's risk, the recipe that ran with which interpreter and package versions, and how the ONNX
 * outputs compared with the original's. ModelDock writes it beside the ONNX file as <name>.onnx.provenance.json,
 * shows it when the ONNX model is opened, and puts it in the deploy bundle.
 *
 * Format and converter names are plain strings (not the enums of model.ts / convert.ts): model.ts imports this
 * file, and a record written by a newer ModelDock must still be readable.
 */
export const PROVENANCE_FORMAT = 'modeldock-provenance/v1';
export const PROVENANCE_SUFFIX = '.provenance.json';

export const ProvenanceSourceSchema = z.object({
  /** Absolute path of the original file (or SavedModel folder) on the machine that converted it. */
  path: z.string(),
  fileName: z.string(),
  bytes: z.number(),
  /** sha256 of the file; for a folder, of its SHA256SUMS-style listing (see sha256Of). */
  sha256: z.string().nullable(),
  sha256Of: z.enum(['file', 'folder-listing']),
  /** ModelFormat: "torchscript", "pytorch-zip", "joblib"... */
  format: z.string(),
  formatLabel: z.string(),
});
export type ProvenanceSource = z.infer<typeof ProvenanceSourceSchema>;

export const ProvenanceSchema = z.object({
  format: z.literal(PROVENANCE_FORMAT),
  createdAt: z.string(),
  /** "ModelDock 0.1.0". */
  createdBy: z.string(),
  /** The ONNX file this record describes: a record whose size or sha256 no longer matches is ignored. */
  onnx: z.object({ fileName: z.string(), bytes: z.number(), sha256: z.string() }),
  source: ProvenanceSourceSchema,
  /** The static safety scan of the original, as it was when the conversion ran; null when the scan could not run. */
  scan: ScanReportSchema.nullable(),
  /** True when the scan was not "safe" and the user confirmed loading the file in Python anyway. */
  riskAccepted: z.boolean(),
  /** What the user was told before accepting (null when nothing had to be accepted). */
  riskWarning: z.string().nullable(),
  recipe: z.object({
    /** RecipeKind: "torchscript", "torch-module", "sklearn"... */
    kind: z.string(),
    /** 'generated' by ModelDock for this run, or 'given' with the request (the text shown, possibly edited). */
    origin: z.enum(['generated', 'given']),
    text: z.string(),
    modelClass: z.string().nullable(),
    inputShapes: z.array(z.array(z.number())).nullable(),
  }),
  converter: z.object({
    /** "torch.onnx", "skl2onnx", "tf2onnx", "onnxmltools". */
    name: z.string(),
    /** The converter package's version in that interpreter (torch's for torch.onnx); null when unknown. */
    version: z.string().nullable(),
    /** The default-domain opset the ONNX file imports (what the recipe really wrote). */
    opset: z.number().int().nullable(),
  }),
  python: z.object({
    path: z.string(),
    label: z.string(),
    version: z.string().nullable(),
    prefix: z.string().nullable(),
    /** Version of each recipe package in that interpreter; null when not installed. */
    packages: z.record(z.string().nullable()),
  }),
  comparison: ComparisonSchema.nullable(),
  /** Why there is no comparison, when there is none. */
  comparisonNote: z.string().nullable(),
  durationMs: z.number(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;
