import * as path from 'node:path';
import type {
  ConvertPlan, ConvertPlanRequest, Discovery, PythonInterpreter,
} from '../../shared/schemas/convert';
import { ConvertPlanRequestSchema } from '../../shared/schemas/convert';
import { chooseOpset } from './opset-choice';
import { buildRecipe } from './build-recipe';
import { convertNeeds } from './convert-needs';
import { resolveTarget, type ConvertTarget } from './convert-target';
import { discoverInputs } from './discover-inputs';
import { chooseOutPath, defaultOnnxPath } from './output-path';
import { discoverPythons } from './python-discovery';
import { converterFor, needsModelClass, type RecipeKind } from './recipe-kind';
import { recipeFileName } from './recipe-python';
import { riskWarning } from './risk-gate';

/**
 * "How do I get this to ONNX?": the recipe with what the file reveals filled in, the interpreters found and the
 * packages the chosen one lacks. Loads the model in Python (to read its inputs) only when its scan is safe or the
 * user accepted the risk.
 */
export async function planConversion(rawRequest: ConvertPlanRequest, signal?: AbortSignal): Promise<ConvertPlan> {
  const request = ConvertPlanRequestSchema.parse(rawRequest);
  const target = await resolveTarget(request.path, request.modelClass);
  const interpreters = await discoverPythons({ near: target.path, refresh: request.refresh, extra: request.pythonPath });
  const notes: string[] = [];
  const blockers: string[] = [];
  const fileName = path.basename(target.path);
  const base = {
    path: target.path,
    format: target.detection.format,
    formatLabel: target.detection.label,
    recipeFileName: recipeFileName(target.path),
    interpreters,
    scan: target.scan,
  };

  if (!target.kind) {
    const onnx = target.detection.format === 'onnx';
    return {
      ...base, converter: null, recipe: null, outPath: target.path,
      opset: chooseOpset('sklearn', null), needs: { packages: [], missing: [], pipCommand: null }, python: null,
      needsRiskAcceptance: false, riskWarning: null, discovery: null,
      notes: [onnx ? `${fileName} is already ONNX: open it directly.` : `There is no conversion recipe for ${target.detection.label}.`],
      blockers: [onnx ? 'Nothing to convert.' : 'No recipe for this format.'],
    };
  }
  const kind = target.kind;
  const python = pickInterpreter(interpreters, kind, target.loader, request.pythonPath);
  const needs = convertNeeds(kind, target.loader, python);
  const opset = chooseOpset(kind, python, request.opset);
  const needsRiskAcceptance = target.scan?.verdict !== 'safe';

  let outPath: string;
  try {
    outPath = chooseOutPath(target.path, request.outPath);
  } catch (error) {
    outPath = defaultOnnxPath(target.path);
    blockers.push((error as Error).message);
  }

  if (!python) blockers.push(request.pythonPath ? `${request.pythonPath} cannot run recipes.` : 'No usable Python 3 interpreter was found (PATH, venvs, conda, pyenv).');
  else if (!python.usable) blockers.push(`${python.path}: ${python.problem ?? 'cannot run recipes'}.`);
  if (needs.missing.length && python) blockers.push(`Missing in ${python.label}: ${needs.missing.join(', ')}. Install with: ${needs.pipCommand}`);
  if (needsModelClass(kind) && !request.modelClass) {
    const msg = `${fileName} holds weights only: name the class that defines the network (module:Class or path/to/file.py:Class); the recipe imports it, builds the model and loads these weights into it.`;
    notes.push(msg);
    blockers.push('The model class is needed (weights only).');
  }
  if (kind === 'torch-module' && target.detection.pytorchContent === 'unknown') {
    notes.push('The file does not say whether it is a whole model or weights only; if the conversion reports a state_dict, name the model class.');
  }
  if (opset.converterMax !== null && opset.opset > opset.converterMax) blockers.push(opset.reason);

  let discovery: Discovery | null = requestDiscovery(request.inputShapes ?? (request.inputShape ? [request.inputShape] : undefined));
  if (!discovery && request.discover) {
    const loadingReady = python?.usable && needs.packages.filter((p) => LOADING_PACKAGES.has(p.name)).every((p) => p.present);
    if (needsRiskAcceptance && !request.acceptRisk) {
      notes.push(`The model was not loaded to read its inputs: its scan is "${target.scan?.verdict ?? 'not available'}". The recipe finds them when it runs.`);
    } else if (!loadingReady || !python) {
      notes.push('The model was not loaded to read its inputs (no interpreter with the packages to load it). The recipe finds them when it runs.');
    } else {
      const found = await discoverInputs(target, kind, python.path, { opset, modelClass: request.modelClass, signal });
      if (found.discovery) discovery = found.discovery;
      if (found.note) notes.push(found.note);
    }
  }
  if (discovery?.inputs.some((i) => i.guessed)) {
    notes.push(`Part of the input shape is a guess (${discovery.inputs.filter((i) => i.guessed).map((i) => i.why ?? i.name).join('; ')}): give the real shape if it differs.`);
  }
  if (discovery?.stateDict) {
    notes.push(`Weights found: ${discovery.stateDict.tensors} tensors, e.g. ${discovery.stateDict.first.slice(0, 3).map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}.`);
  }
  if (kind === 'sklearn' && python && needs.packages.find((p) => p.name === 'sklearn')?.present === false) {
    notes.push('scikit-learn must be the version the model was trained with, or unpickling may fail or change results.');
  }

  const recipe = buildRecipe({
    kind, modelPath: target.path, formatLabel: target.detection.label, onnxPath: outPath, opset, discovery,
    inputShapes: request.inputShapes ?? (request.inputShape ? [request.inputShape] : undefined),
    modelClass: request.modelClass, loader: target.loader, scanVerdict: target.scan?.verdict ?? null,
  });
  return {
    ...base, converter: converterFor(kind), recipe, outPath, opset, needs, python,
    needsRiskAcceptance, riskWarning: needsRiskAcceptance ? riskWarning(target.scan, fileName) : null,
    discovery, notes, blockers,
  };
}

/** Packages needed to load the model (the converter itself is not needed to read its inputs). */
const LOADING_PACKAGES = new Set(['torch', 'safetensors', 'sklearn', 'joblib', 'tensorflow', 'numpy']);

/** The given interpreter, else the first usable one with the most of the recipe's packages. */
export function pickInterpreter(
  interpreters: PythonInterpreter[], kind: RecipeKind, loader: ConvertTarget['loader'], wanted?: string,
): PythonInterpreter | null {
  if (wanted) return interpreters.find((i) => i.path === wanted) ?? null;
  let best: PythonInterpreter | null = null;
  let bestScore = -1;
  for (const interpreter of interpreters) {
    if (!interpreter.usable) continue;
    const needs = convertNeeds(kind, loader, interpreter);
    const score = needs.packages.filter((p) => p.present).length;
    if (score > bestScore) { best = interpreter; bestScore = score; }
  }
  return best;
}

function requestDiscovery(shapes: number[][] | undefined): Discovery | null {
  if (!shapes?.length) return null;
  return {
    source: 'request',
    inputs: shapes.map((shape, i) => ({ name: shapes.length === 1 ? 'input' : `input_${i}`, shape, dtype: 'float32', guessed: false })),
    className: null, features: shapes[0]?.[1] ?? null, classifier: null, stateDict: null,
  };
}
