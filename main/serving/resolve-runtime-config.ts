import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { RuntimeMonitoringInput } from '../../shared/schemas/monitoring';
import type { Spec, SpecIssue } from '../../shared/schemas/spec';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../shared/schemas/serving';
import { inspectOnnx } from '../model/onnx-inspect';
import { defaultProfilePath, readProfileFile } from '../monitoring/profile-file';
import { readSpec, resolveLabels, specPathForModel } from '../spec/spec-file';

export interface ResolvedRuntimeConfig {
  config: RuntimeConfig;
  /** The spec the settings came from; null when the model has no modeldock.yaml (defaults). */
  specPath: string | null;
}

/**
 * What the serving runtime needs, resolved on this machine: the model's absolute path, its API name, class names
 * (spec labels, labelsFile, else the model's metadata), per-input preprocessing and the serving settings with
 * their defaults. The runtime then needs no YAML parser and no spec folder.
 */
export async function resolveRuntimeConfig(modelPath: string, specPath?: string): Promise<RuntimeConfig> {
  return (await resolveRuntimeConfigDetailed(modelPath, specPath)).config;
}

export async function resolveRuntimeConfigDetailed(modelPath: string, specPath?: string): Promise<ResolvedRuntimeConfig> {
  const absoluteModel = path.resolve(modelPath);
  assertModelFile(absoluteModel);

  const doc = readSpec(specPath ?? specPathForModel(absoluteModel));
  if (specPath && !doc.exists) {
    throw new ModelDockError({
      code: 'spec-missing',
      title: 'Spec file not found',
      message: `${doc.specPath} does not exist.`,
      fix: 'Check the path, or leave the spec out to serve with default settings.',
    });
  }
  if (doc.exists && !doc.spec) throw specInvalid(doc.specPath, doc.issues);
  const spec = doc.spec;

  let labels = spec ? resolveLabels(spec, doc.specPath) : null;
  if (!labels) labels = await metadataLabels(absoluteModel);

  const config = RuntimeConfigSchema.parse({
    model: {
      path: absoluteModel,
      name: spec?.model.name ?? dnsSafeName(path.basename(absoluteModel)),
      version: spec?.model.version ?? '1',
      ...(spec?.model.description ? { description: spec.model.description } : {}),
    },
    labels,
    inputs: spec?.inputs ?? {},
    serving: spec?.serving ?? {},
    ...monitoringFor(absoluteModel, spec, doc.specPath),
  });
  return { config, specPath: spec ? doc.specPath : null };
}

/**
 * The spec's monitoring settings with the reference profile embedded (so an image carries it inside runtime.json):
 * monitoring.profile when the spec names one (it must exist), else <model>.profile.json beside the model when
 * present. Nothing at all when there is neither: the runtime then monitors with its defaults and no drift scores.
 */
function monitoringFor(modelPath: string, spec: Spec | null, specPath: string): { monitoring?: RuntimeMonitoringInput } {
  const settings = spec?.monitoring;
  const named = settings?.profile ? path.resolve(path.dirname(specPath), settings.profile) : null;
  const fallback = defaultProfilePath(modelPath);
  const profileFile = named ?? (fs.existsSync(fallback) ? fallback : null);
  if (!settings && !profileFile) return {};
  // Alert thresholds are for Prometheus (alert-rules.ts), not the runtime.
  const { profile: _path, alerts: _alerts, ...knobs } = settings ?? {};
  void _path; void _alerts;
  return { monitoring: { ...knobs, profile: profileFile ? readProfileFile(profileFile) : null } };
}

/** "Iris Classifier v2.onnx" -> "iris-classifier-v2": usable in a URL path, an image name and Kubernetes. */
export function dnsSafeName(fileName: string): string {
  const stem = fileName.replace(/\.[A-Za-z0-9]+$/, '');
  const safe = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return safe || 'model';
}

function assertModelFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelDockError({
      code: 'model-missing',
      title: code === 'ENOENT' ? 'Model file not found' : 'Cannot read the model file',
      message: code === 'ENOENT' ? `${file} does not exist.` : `${file} cannot be read (${code ?? 'error'}).`,
      fix: 'Check the path of the model to serve.',
    });
  }
  if (!stat.isFile()) {
    throw new ModelDockError({
      code: 'model-not-file',
      title: 'Not a model file',
      message: `${file} is a folder; the server loads one .onnx file.`,
      fix: 'Give the path of the .onnx file.',
    });
  }
}

function specInvalid(specPath: string, issues: SpecIssue[]): ModelDockError {
  const shown = issues.slice(0, 8).map((i) => `${path.basename(specPath)}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
  const more = issues.length > shown.length ? `\n  …and ${issues.length - shown.length} more` : '';
  return new ModelDockError({
    code: 'spec-invalid',
    title: 'The spec has problems',
    message: `${issues.length} problem${issues.length === 1 ? '' : 's'} in ${specPath}:\n  ${shown.join('\n  ')}${more}`,
    fix: 'Fix the spec (the Package step or `modeldock spec check` shows each problem), then start the server again.',
  });
}

async function metadataLabels(modelPath: string): Promise<string[] | null> {
  try {
    return (await inspectOnnx(modelPath)).labels;
  } catch {
    // Labels are a nicety; the runtime itself reports a model it cannot load.
    return null;
  }
}
