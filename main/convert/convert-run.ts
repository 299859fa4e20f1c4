import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cancelledError, ModelDockError } from '../../shared/errors';
import {
  ConvertRunRequestSchema, type ConvertPhase, type ConvertProgress, type ConvertResult, type ConvertRunRequest,
} from '../../shared/schemas/convert';
import type { InferenceService } from '../inference/inference-service';
import { openModelDetailed } from '../model/open-model';
import { validateStatic } from '../model/validate-static';
import { buildRecipe } from './build-recipe';
import { compareWithReference, readReference } from './compare-outputs';
import { convertNeeds } from './convert-needs';
import { resolveTarget } from './convert-target';
import { chooseOpset } from './opset-choice';
import { chooseOutPath } from './output-path';
import { writeProvenance } from './provenance-record';
import { probeGiven } from './python-discovery';
import { needsModelClass } from './recipe-kind';
import { recipeFileName } from './recipe-python';
import { assertRiskAccepted } from './risk-gate';
import { runRecipe } from './run-recipe';
import { recipeFailure } from './script-errors';

/**
 * "Convert": checks the gate and the interpreter, runs the recipe as a child process with its output streamed,
 * then opens the new ONNX model, validates it and compares its outputs with the original's on the samples the
 * recipe saved. A failed run leaves no half-written model behind.
 */
export async function runConversion(
  rawRequest: ConvertRunRequest,
  deps: { inference: InferenceService; onProgress?: (event: ConvertProgress) => void; signal?: AbortSignal },
): Promise<ConvertResult> {
  const request = ConvertRunRequestSchema.parse(rawRequest);
  const started = performance.now();
  const log: string[] = [];
  let phase: ConvertPhase = 'checking';
  const engineStep = (next: ConvertPhase, line: string) => {
    phase = next;
    log.push(line);
    deps.onProgress?.({ line, phase, stream: 'engine' });
  };

  engineStep('checking', 'Checking the file, its safety scan and the interpreter');
  const target = await resolveTarget(request.path, request.modelClass);
  if (!target.kind) {
    throw new ModelDockError({
      code: 'convert-no-recipe',
      title: target.detection.format === 'onnx' ? 'This model is already ONNX' : 'No conversion recipe for this format',
      message: `${path.basename(target.path)} is a ${target.detection.label}.`,
      fix: target.detection.format === 'onnx' ? 'Open it directly.' : 'Export it to ONNX from the framework it was made with.',
    });
  }
  // The gate comes before anything can make Python read the file.
  assertRiskAccepted(target.scan, target.path, request.acceptRisk);

  const python = await probeGiven(request.pythonPath);
  if (!python.usable) {
    throw new ModelDockError({
      code: 'python-not-usable',
      title: 'This Python cannot run the conversion',
      message: `${request.pythonPath}: ${python.problem ?? 'it did not answer'}.`,
      fix: 'Choose another interpreter (see modeldock convert MODEL --print-recipe for those found).',
    });
  }
  const needs = convertNeeds(target.kind, target.loader, python);
  if (needs.missing.length && !request.recipe) {
    throw new ModelDockError({
      code: 'python-package-missing',
      title: needs.missing.length === 1 ? `${needs.missing[0]} is not installed` : 'Python packages are missing',
      message: `${python.path} (Python ${python.version}) cannot import ${needs.missing.join(', ')}, which the recipe needs.`,
      fix: `Install them: ${needs.pipCommand}`,
    });
  }
  if (needsModelClass(target.kind) && !request.modelClass && !request.recipe) {
    throw new ModelDockError({
      code: 'convert-needs-model-class',
      title: 'The model class is needed',
      message: `${path.basename(target.path)} holds weights only (a state_dict): ONNX export needs the network's code.`,
      fix: 'Name the class that defines the network: --model-class my_project.models:Net (or path/to/model.py:Net).',
    });
  }
  const outPath = chooseOutPath(target.path, request.outPath);
  const opset = chooseOpset(target.kind, python, request.opset);
  const inputShapes = request.inputShapes ?? (request.inputShape ? [request.inputShape] : undefined);
  const recipe = request.recipe ?? buildRecipe({
    kind: target.kind, modelPath: target.path, formatLabel: target.detection.label, onnxPath: outPath, opset,
    discovery: inputShapes ? {
      source: 'request', inputs: inputShapes.map((shape, i) => ({ name: `input_${i}`, shape, dtype: 'float32', guessed: false })),
      className: null, features: inputShapes[0][1] ?? null, classifier: null, stateDict: null,
    } : null,
    inputShapes, modelClass: request.modelClass, loader: target.loader, scanVerdict: target.scan?.verdict ?? null,
  });

  const referenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-reference-'));
  try {
    engineStep('loading', `Running the recipe with ${python.label} (Python ${python.version})`);
    const run = await runRecipe({
      pythonPath: python.path, script: recipe, scriptName: recipeFileName(target.path), cwd: path.dirname(target.path),
      env: { MODELDOCK_ONNX_OUT: outPath, MODELDOCK_REFERENCE_DIR: referenceDir },
      timeoutMs: request.timeoutSeconds * 1000, signal: deps.signal,
      onLine(line, stream, markerPhase) {
        if (markerPhase) phase = markerPhase;
        log.push(line);
        deps.onProgress?.({ line, phase, stream });
      },
    });
    if (run.exitCode !== 0 || run.cancelled || run.timedOut) {
      removeIfPresent(outPath);
      throw recipeFailure(run, python.path, request.timeoutSeconds * 1000);
    }
    if (!fs.existsSync(outPath)) {
      throw new ModelDockError({
        code: 'convert-no-output',
        title: 'The recipe wrote no ONNX file',
        message: `The recipe finished, but ${outPath} does not exist.`,
        fix: 'An edited recipe must write to ONNX_PATH (ModelDock sets it through MODELDOCK_ONNX_OUT).',
        detail: run.log.slice(-40).join('\n'),
      });
    }
    if (deps.signal?.aborted) throw cancelledError();

    engineStep('opening', `Opening ${path.basename(outPath)}`);
    const { report, model } = await openModelDetailed(outPath);
    const findings = model ? validateStatic(model) : [];

    let comparison: ConvertResult['comparison'] = null;
    let comparisonNote: string | null = null;
    const manifest = request.compare ? readReference(referenceDir) : null;
    if (!request.compare) comparisonNote = 'Comparison was not asked for.';
    else if (!manifest) comparisonNote = 'The recipe saved no sample inputs and reference outputs, so the ONNX model could not be compared with the original.';
    else {
      engineStep('comparing', `Comparing the ONNX model with the original on ${manifest.samples.length} sample batch(es)`);
      try {
        comparison = await compareWithReference(deps.inference, outPath, referenceDir, manifest, deps.signal);
      } catch (error) {
        if (deps.signal?.aborted) throw cancelledError();
        comparisonNote = `The ONNX model could not be run on the samples: ${error instanceof ModelDockError ? error.message : String(error)}`;
      }
    }
    engineStep('done', comparison
      ? `${comparison.passed ? 'Outputs match' : 'Outputs differ'}: max abs diff ${comparison.maxAbsDiff ?? 'n/a'} (tolerance ${comparison.tolerance} + ${comparison.relativeTolerance} x |value|)`
      : `Converted: ${outPath}`);
    const durationMs = Math.round(performance.now() - started);
    // The record of where the model came from; a conversion that worked is not failed for want of it.
    const provenance = await writeProvenance({
      onnxPath: outPath, source: { path: target.path, detection: target.detection }, scan: target.scan, kind: target.kind,
      recipe, recipeGiven: !!request.recipe, modelClass: request.modelClass ?? null, inputShapes: inputShapes ?? null, python,
      opset: report.onnx?.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? null,
      comparison, comparisonNote, durationMs,
    }).catch((error: unknown) => {
      log.push(`The provenance record could not be written beside ${path.basename(outPath)}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    return {
      onnxPath: outPath, report: provenance ? { ...report, provenance: provenance.record } : report, findings, comparison, comparisonNote,
      log: log.slice(-2000), pythonPath: python.path, recipe, durationMs, provenancePath: provenance?.path ?? null,
    };
  } finally {
    fs.rmSync(referenceDir, { recursive: true, force: true });
  }
}

function removeIfPresent(file: string): void {
  try { fs.rmSync(file, { force: true }); } catch { /* best effort */ }
}
