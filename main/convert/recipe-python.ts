import * as path from 'node:path';
import type { Discovery, OpsetChoice } from '../../shared/schemas/convert';
import { APP_VERSION } from '../engine/versions';
import type { RecipeKind } from './recipe-kind';

/**
 * What every recipe shares: Python literals, the header that explains the choices, the settings ModelDock may
 * override through environment variables, and the helper functions that report progress and save reference data.
 * Recipes are plain scripts a user can read, edit and run by hand; the "[modeldock]" lines they print are how the
 * engine follows them.
 */
export interface RecipeInput {
  kind: RecipeKind;
  modelPath: string;
  formatLabel: string;
  onnxPath: string;
  opset: OpsetChoice;
  discovery: Discovery | null;
  /** Shapes the caller gave (batch first), overriding discovery. */
  inputShapes?: number[][];
  modelClass?: string;
  loader: 'joblib' | 'pickle' | null;
  scanVerdict: string | null;
}

/** A Python string literal. JSON's escapes are all valid in Python 3 source. */
export function py(value: string | null | undefined): string {
  return value === null || value === undefined ? 'None' : JSON.stringify(value);
}

/** A Python literal for plain data (numbers, strings, lists, dicts, booleans, None). */
export function pyData(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return py(value);
  if (Array.isArray(value)) return `[${value.map(pyData).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${py(k)}: ${pyData(v)}`).join(', ')}}`;
}

export function recipeFileName(modelPath: string): string {
  const stem = path.basename(modelPath).replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'model';
  return `convert_${stem}.py`;
}

export function header(input: RecipeInput, converter: string, what: string[]): string {
  const file = path.basename(input.modelPath);
  const lines = [
    `# Convert ${file} (${input.formatLabel}) to ONNX with ${converter}.`,
    `# Written by ModelDock ${APP_VERSION}. Runs as-is: python ${recipeFileName(input.modelPath)}`,
    '#',
    ...what.map((l) => `# ${l}`),
    '#',
    ...wrap(`Opset: ${input.opset.reason}`).map((l) => `# ${l}`),
    ...wrap('Batch: the first axis of every input and output is dynamic ("batch"), so the served model accepts any batch size and the server can batch requests.').map((l) => `# ${l}`),
  ];
  if (input.scanVerdict && input.scanVerdict !== 'safe') {
    lines.push(...wrap(`Safety: ModelDock's scan of ${file} said "${input.scanVerdict}". Loading it runs the code it carries, with your rights: run this only if you trust where the file came from.`).map((l) => `# ${l}`));
  }
  return lines.join('\n');
}

export function settings(input: RecipeInput, extra: string[]): string {
  return [
    'import json',
    'import os',
    'import sys',
    '',
    `MODEL_PATH = ${py(input.modelPath)}`,
    '# ModelDock sets the variables below when it runs this script; run by hand, the defaults apply.',
    `ONNX_PATH = os.environ.get("MODELDOCK_ONNX_OUT") or ${py(input.onnxPath)}`,
    '# Where sample inputs and the original model\'s outputs go, so ModelDock can compare the ONNX model with it.',
    'REFERENCE_DIR = os.environ.get("MODELDOCK_REFERENCE_DIR")',
    '# Only load the model and print what it takes (names, shapes), then stop.',
    'DISCOVER_ONLY = os.environ.get("MODELDOCK_DISCOVER_ONLY") == "1"',
    `OPSET = ${input.opset.opset}`,
    ...extra,
  ].join('\n');
}

/** Helper functions every recipe uses. */
export const HELPERS = `

def report(kind, value):
    # A line ModelDock reads to follow the conversion; harmless when you run this yourself.
    print("[modeldock] " + json.dumps({kind: value}), flush=True)


def fail(code, message, fix):
    report("error", {"code": code, "message": message, "fix": fix})
    sys.exit(3)


def need(module, pip_name):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as error:
        fail("python-package-missing",
             "%s cannot be imported by %s (%s)." % (module, sys.executable, error),
             'Install it into this environment: "%s" -m pip install %s' % (sys.executable, pip_name))


def load_class(spec):
    # "package.module:Class", "package.module.Class" or "path/to/file.py:Class".
    import importlib
    import importlib.util
    where, sep, name = spec.rpartition(":")
    if not sep:
        where, _, name = spec.rpartition(".")
    try:
        if where.endswith(".py"):
            module_name = os.path.splitext(os.path.basename(where))[0]
            module_spec = importlib.util.spec_from_file_location(module_name, where)
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[module_name] = module
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
    except Exception as error:
        fail("convert-class-not-found", "The model class %s could not be imported: %s: %s." % (spec, type(error).__name__, error),
             "Check the module path (the model's folder is on sys.path) or give the file: path/to/model.py:ClassName.")
    cls = getattr(module, name, None)
    if cls is None:
        fail("convert-class-not-found", "%s has no class named %s." % (where, name), "Check the class name (it is case-sensitive).")
    return cls


def save_reference(samples, input_names, output_names):
    # samples: [(inputs, outputs)] as numpy arrays, computed by the original model.
    if not REFERENCE_DIR:
        return
    import numpy as np
    report("phase", "reference")
    os.makedirs(REFERENCE_DIR, exist_ok=True)
    manifest = {"inputs": input_names, "outputs": output_names, "samples": []}
    for i, (inputs, outputs) in enumerate(samples):
        entry = {"inputs": [], "outputs": []}
        for kind, arrays in (("in", inputs), ("out", outputs)):
            for j, array in enumerate(arrays):
                name = "sample%d_%s%d.npy" % (i, kind, j)
                np.save(os.path.join(REFERENCE_DIR, name), np.ascontiguousarray(array))
                entry["inputs" if kind == "in" else "outputs"].append(name)
        manifest["samples"].append(entry)
    with open(os.path.join(REFERENCE_DIR, "reference.json"), "w") as f:
        json.dump(manifest, f)
`;

function wrap(text: string, width = 112): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
