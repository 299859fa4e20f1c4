import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError, toErrorInfo } from '../../shared/errors';
import type { InputSource } from '../../shared/schemas/inference';
import type { MonitorProfileResult } from '../../shared/schemas/monitoring';
import type { Spec } from '../../shared/schemas/spec';
import type { InferenceService } from '../inference/inference-service';
import { resolveInputs } from '../inference/resolve-inputs';
import { inspectOnnx } from '../model/onnx-inspect';
import { readSpec, resolveLabels, specPathForModel } from '../spec/spec-file';
import { checkPlan, planFeatures } from './feature-plan';
import { defaultProfilePath } from './profile-file';
import { computeReferenceProfile } from './reference-profile';

/**
 * "Capture reference profile": reads the user's sample (a CSV, .npy, JSON, TensorProto or image file, or a folder
 * of them such as the model's test inputs) with the same parsing as Try it, runs the model on it for the output
 * profile, and writes <model>.profile.json beside the model, where the serving config picks it up.
 */
export interface CaptureRequest {
  modelPath: string;
  dataPath: string;
  specPath?: string;
  outPath?: string;
  bins: number;
}

const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.json', '.npy', '.pb', '.png', '.jpg', '.jpeg']);

export async function captureProfile(inference: InferenceService, request: CaptureRequest, signal?: AbortSignal): Promise<MonitorProfileResult> {
  const modelPath = path.resolve(request.modelPath);
  const doc = readSpec(request.specPath ?? specPathForModel(modelPath));
  const spec: Spec | null = doc.spec;
  const io = (await inference.describe(modelPath, { signal })).io;

  const sources = dataSources(path.resolve(request.dataPath));
  const feeds = resolveInputs(sources, io.inputs, spec);
  const plan = planFeatures(io.inputs, spec?.inputs);
  const notes = [...plan.skipped.map((s) => `Not monitored: ${s}.`)];
  const problems = checkPlan(plan.features, io.inputs);
  if (problems.length) notes.push(...problems);
  if (plan.features.length === 0) {
    throw new ModelDockError({
      code: 'profile-no-features',
      title: 'Nothing to profile',
      message: `None of the model's inputs can be summarised (${plan.skipped.join('; ') || 'it has no inputs'}).`,
      fix: 'Monitoring covers numeric [batch, columns] inputs and images; request and latency metrics still work without a profile.',
    });
  }

  let primary = null;
  let labels: string[] | null = spec ? resolveLabels(spec, doc.specPath) : null;
  try {
    if (!labels) labels = (await inspectOnnx(modelPath)).labels;
    const run = await inference.run(modelPath, feeds, { signal });
    primary = run.outputs[0] ?? null;
  } catch (error) {
    if (signal?.aborted) throw error;
    notes.push(`The model could not be run on the sample, so predictions have no reference (${toErrorInfo(error).message}).`);
  }

  const profile = computeReferenceProfile(feeds, plan.features, { bins: request.bins, source: path.basename(request.dataPath), labels }, primary);
  if (primary && !profile.output) notes.push(`The output "${primary.name}" is neither class scores, class ids nor one value per row; predictions have no reference.`);
  if (profile.sampleCount < 100) notes.push(`The sample has only ${profile.sampleCount} rows; drift scores are more reliable with a few hundred or more.`);

  const outPath = path.resolve(request.outPath ?? defaultProfilePath(modelPath));
  try {
    fs.writeFileSync(outPath, `${JSON.stringify(profile, null, 2)}\n`);
  } catch (error) {
    throw new ModelDockError({
      code: 'profile-write-failed',
      title: 'Cannot write the profile',
      message: `${outPath} cannot be written (${(error as NodeJS.ErrnoException).code ?? toErrorInfo(error).message}).`,
      fix: 'Choose a folder you can write to (outPath), or check the permissions of the model\'s folder.',
    });
  }
  return {
    profilePath: outPath,
    sampleCount: profile.sampleCount,
    features: profile.features.map((f) => ({
      name: f.name, type: f.type, bins: f.proportions.length, mean: f.stats.mean, min: f.stats.min, max: f.stats.max,
    })),
    output: profile.output ? { name: profile.output.name, kind: profile.output.kind } : null,
    notes,
  };
}

/** A file is one source; a folder gives its data files (and test_data_set_* sub-folders' input_*.pb) in name order. */
function dataSources(dataPath: string): InputSource[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataPath);
  } catch {
    throw new ModelDockError({ code: 'profile-data-missing', title: 'Sample data not found', message: `${dataPath} does not exist.`, fix: 'Give a CSV, .npy or JSON file (or a folder of inputs) with examples of the data the model will see.' });
  }
  if (stat.isFile()) return [{ kind: 'file', path: dataPath }];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dataPath, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dataPath, entry.name);
    if (entry.isFile() && DATA_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
    else if (entry.isDirectory() && /^test_data_set_\d+$/.test(entry.name)) {
      for (const f of fs.readdirSync(full).sort()) if (/^input_\d+\.pb$/.test(f)) files.push(path.join(full, f));
    }
  }
  if (files.length === 0) {
    throw new ModelDockError({ code: 'profile-data-empty', title: 'No sample data in the folder', message: `${dataPath} holds no CSV, JSON, .npy, .pb or image files.`, fix: 'Pick a file, or a folder with input files (such as the model\'s test_data_set_* folders).' });
  }
  return files.map((file) => ({ kind: 'file', path: file }));
}
