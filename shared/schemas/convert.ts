import { z } from 'zod';
import { ModelFormatSchema, ModelReportSchema } from './model';
import { ComparisonSchema } from './comparison';
import { ScanReportSchema } from './scan';
import { FindingSchema } from './validation';

// The comparison schemas live in comparison.ts (provenance records carry them too); re-exported for existing importers.
export { ComparisonSchema, OutputComparisonSchema, SampleComparisonSchema, type Comparison } from './comparison';

/**
 * Converting a PyTorch, scikit-learn, Keras or TensorFlow model to ONNX: the recipe (a Python script shown to the
 * user and runnable as-is), the Python interpreters that could run it, and the result of running it.
 */

/** Python packages a recipe may need, by the name they are imported with. */
export const PYTHON_PACKAGES = ['torch', 'sklearn', 'skl2onnx', 'tf2onnx', 'onnx', 'tensorflow', 'onnxmltools', 'safetensors', 'joblib', 'numpy'] as const;
export const PythonPackageSchema = z.enum(PYTHON_PACKAGES);
export type PythonPackage = z.infer<typeof PythonPackageSchema>;

export const PythonSourceSchema = z.enum(['given', 'venv', 'conda', 'path', 'pyenv']);
export type PythonSource = z.infer<typeof PythonSourceSchema>;

/** One Python interpreter found on this machine. */
export const PythonInterpreterSchema = z.object({
  /** What to run (absolute path). */
  path: z.string(),
  source: PythonSourceSchema,
  /** "venv .venv beside the model", "conda env ml", "pyenv 3.11.7", "python3 on PATH". */
  label: z.string(),
  /** "3.11.2"; null when the interpreter did not answer. */
  version: z.string().nullable(),
  /** sys.prefix: the environment it belongs to. */
  prefix: z.string().nullable(),
  /** False when it cannot run recipes (did not start, timed out, Python 2). */
  usable: z.boolean(),
  problem: z.string().optional(),
  /** Version of each package it can import; null when the package is not installed there. */
  packages: z.record(z.string().nullable()),
});
export type PythonInterpreter = z.infer<typeof PythonInterpreterSchema>;

export const PackageNeedSchema = z.object({
  /** Import name (sklearn). */
  name: z.string(),
  /** Name to pip install (scikit-learn). */
  pipName: z.string(),
  /** Why the recipe needs it. */
  purpose: z.string(),
  /** null when no interpreter was chosen. */
  present: z.boolean().nullable(),
  version: z.string().nullable(),
});
export type PackageNeed = z.infer<typeof PackageNeedSchema>;

export const ConvertNeedsSchema = z.object({
  packages: z.array(PackageNeedSchema),
  missing: z.array(z.string()),
  /** `"/path/python" -m pip install skl2onnx` with the chosen interpreter; null when nothing is missing. */
  pipCommand: z.string().nullable(),
});
export type ConvertNeeds = z.infer<typeof ConvertNeedsSchema>;

/** What loading the model in Python revealed (or what the file's bytes said when Python was not asked). */
export const DiscoveredInputSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  dtype: z.string(),
  /** True when the shape was guessed (a Conv2d's image size is not stored in the model). */
  guessed: z.boolean(),
  why: z.string().optional(),
  /** Integer inputs (token ids): sample values are drawn below this. */
  high: z.number().int().optional(),
});
export type DiscoveredInput = z.infer<typeof DiscoveredInputSchema>;

export const DiscoverySchema = z.object({
  /** 'python' when the model was loaded by the chosen interpreter, 'request' when the caller gave the shapes. */
  source: z.enum(['python', 'request']),
  inputs: z.array(DiscoveredInputSchema),
  /** The class of the loaded object, e.g. "torch.jit.RecursiveScriptModule", "sklearn.pipeline.Pipeline". */
  className: z.string().nullable(),
  /** scikit-learn: n_features_in_. */
  features: z.number().int().nullable(),
  classifier: z.boolean().nullable(),
  /** state_dict: how many tensors, and the first few names with shapes. */
  stateDict: z.object({ tensors: z.number().int(), first: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()) })) }).nullable(),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

export const ConverterSchema = z.enum(['torch.onnx', 'skl2onnx', 'tf2onnx', 'onnxmltools']);
export type Converter = z.infer<typeof ConverterSchema>;

const Shape = z.array(z.number().int().positive()).min(1).max(8);

/** What shapes the recipes: the same fields in plan and run, so the shown recipe is the one that runs. */
const RecipeOptions = {
  path: z.string().min(1),
  /** Interpreter to check packages with and to run; by default the best one found. */
  pythonPath: z.string().min(1).optional(),
  /** Where to write the .onnx; by default beside the model, with a new name if one exists. Never overwritten. */
  outPath: z.string().min(1).optional(),
  /** Example input shape, batch first, for a single-input model, e.g. [1, 3, 224, 224]. */
  inputShape: Shape.optional(),
  /** Example input shapes for several inputs, in forward() order. */
  inputShapes: z.array(Shape).min(1).max(16).optional(),
  /** The class that defines the network: "my_project.models:Net", "my_project.models.Net" or "/path/model.py:Net". */
  modelClass: z.string().min(1).max(500).optional(),
  opset: z.number().int().min(7).max(26).optional(),
  /** The user read the scan report and accepts that the file's code runs with their rights. */
  acceptRisk: z.boolean().default(false),
};

export const ConvertPlanRequestSchema = z.object({
  ...RecipeOptions,
  /** Load the model in Python (when its scan is safe, or acceptRisk) to fill in input names and shapes. Default true. */
  discover: z.boolean().default(true),
  /** Probe the interpreters again instead of using cached answers. */
  refresh: z.boolean().default(false),
}).strict();
export type ConvertPlanRequest = z.input<typeof ConvertPlanRequestSchema>;

export const OpsetChoiceSchema = z.object({
  opset: z.number().int(),
  /** The newest opset the bundled ONNX Runtime runs (26 for 1.30). */
  runtimeMax: z.number().int(),
  /** The newest opset the installed converter can write, when known. */
  converterMax: z.number().int().nullable(),
  reason: z.string(),
});
export type OpsetChoice = z.infer<typeof OpsetChoiceSchema>;

export const ConvertPlanSchema = z.object({
  path: z.string(),
  format: ModelFormatSchema,
  formatLabel: z.string(),
  /** What does the conversion; null for ONNX (nothing to do) and formats without a recipe. */
  converter: ConverterSchema.nullable(),
  /** The Python script, runnable as-is (`python convert_model.py`); null when there is no recipe. */
  recipe: z.string().nullable(),
  recipeFileName: z.string(),
  outPath: z.string(),
  opset: OpsetChoiceSchema,
  needs: ConvertNeedsSchema,
  /** The interpreter the needs were checked with (the request's, or the best one found). */
  python: PythonInterpreterSchema.nullable(),
  interpreters: z.array(PythonInterpreterSchema),
  scan: ScanReportSchema.nullable(),
  /** True when the scan is not "safe": running needs acceptRisk after the user has read the report. */
  needsRiskAcceptance: z.boolean(),
  /** What accepting the risk means, in plain words (shown beside the confirm button). */
  riskWarning: z.string().nullable(),
  discovery: DiscoverySchema.nullable(),
  /** Why discovery did not happen or what it could not tell. */
  notes: z.array(z.string()),
  /** Things that stop "Convert" now (a missing package, no interpreter, a class to name...). Empty: ready. */
  blockers: z.array(z.string()),
});
export type ConvertPlan = z.infer<typeof ConvertPlanSchema>;

export const ConvertPythonsRequestSchema = z.object({
  /** A model path: venvs beside it and in its parent folders are included. */
  near: z.string().optional(),
  refresh: z.boolean().default(false),
}).strict();
export const ConvertPythonsSchema = z.object({ interpreters: z.array(PythonInterpreterSchema) });
export type ConvertPythons = z.infer<typeof ConvertPythonsSchema>;

export const ConvertRunRequestSchema = z.object({
  ...RecipeOptions,
  pythonPath: z.string().min(1),
  /** The recipe text as the user edited it; by default the generated one. */
  recipe: z.string().min(1).max(1_000_000).optional(),
  /** Stop the script after this long. */
  timeoutSeconds: z.number().int().min(5).max(24 * 3600).default(900),
  /** Compare the ONNX model's outputs with the original's on sample inputs (when the recipe saved them). */
  compare: z.boolean().default(true),
}).strict();
export type ConvertRunRequest = z.input<typeof ConvertRunRequestSchema>;

export const CONVERT_PHASES = ['checking', 'loading', 'exporting', 'reference', 'opening', 'comparing', 'done'] as const;
export const ConvertPhaseSchema = z.enum(CONVERT_PHASES);
export type ConvertPhase = z.infer<typeof ConvertPhaseSchema>;

export const ConvertProgressSchema = z.object({
  line: z.string(),
  phase: ConvertPhaseSchema,
  /** Where the line came from: the script's stdout/stderr, or the engine's own step. */
  stream: z.enum(['stdout', 'stderr', 'engine']),
});
export type ConvertProgress = z.infer<typeof ConvertProgressSchema>;

export const ConvertResultSchema = z.object({
  onnxPath: z.string(),
  report: ModelReportSchema,
  /** Static validation of the new model (structure, operators, inputs). */
  findings: z.array(FindingSchema),
  comparison: ComparisonSchema.nullable(),
  /** Why there is no comparison, when there is none. */
  comparisonNote: z.string().nullable(),
  /** Every line the script printed (the last 2000). */
  log: z.array(z.string()),
  pythonPath: z.string(),
  /** The script that ran. */
  recipe: z.string(),
  durationMs: z.number(),
  /** The provenance record written beside the ONNX file (<name>.onnx.provenance.json); null when it could not be written. Optional, additive. */
  provenancePath: z.string().nullable().optional(),
});
export type ConvertResult = z.infer<typeof ConvertResultSchema>;
