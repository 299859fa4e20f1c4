import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ModelDockError } from '../../shared/errors';
import type { SpecDocument } from '../../shared/schemas/app';
import type { Spec, SpecIssue } from '../../shared/schemas/spec';
import { validateSpecText } from './spec-validate';

export { starterSpecText } from './spec-starter';
export { validateSpecText } from './spec-validate';

/**
 * modeldock.yaml on disk. Reading never throws for bad content (issues carry the key path and line); writing
 * validates first and replaces the file atomically, so neither a typo nor a crash mid-write loses what the user
 * wrote.
 */
export const SPEC_FILE_NAME = 'modeldock.yaml';

/** Specs stay small; a huge file here is a mistake (wrong file picked), not a spec. */
const MAX_SPEC_BYTES = 4 * 1024 * 1024;

export function specPathForModel(modelPath: string): string {
  return path.join(path.dirname(path.resolve(modelPath)), SPEC_FILE_NAME);
}

export function readSpec(specPath: string): SpecDocument {
  const resolved = path.resolve(specPath);
  let text: string;
  try {
    const stat = fs.statSync(resolved);
    if (stat.isDirectory()) {
      return problem(resolved, true, `${resolved} is a folder, not a spec file.`);
    }
    if (stat.size > MAX_SPEC_BYTES) {
      return problem(resolved, true, `The file is ${Math.round(stat.size / 1024 / 1024)} MB; a spec is a short YAML file. Is this the right file?`);
    }
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { specPath: resolved, exists: false, spec: null, text: '', issues: [] };
    return problem(resolved, true, `The file cannot be read (${code ?? 'error'}).`);
  }
  const { spec, issues } = validateSpecText(text);
  return { specPath: resolved, exists: true, spec, text, issues };
}

export function loadSpecForModel(modelPath: string): { specPath: string; spec: Spec | null; issues: SpecIssue[] } {
  const doc = readSpec(specPathForModel(modelPath));
  return { specPath: doc.specPath, spec: doc.spec, issues: doc.issues };
}

/** The spec's class names: inline labels, or labelsFile (one per line, blank lines and # comments skipped). */
export function resolveLabels(spec: Spec, specPath: string): string[] | null {
  if (spec.labels && spec.labels.length > 0) return spec.labels;
  if (!spec.labelsFile) return null;
  const file = path.resolve(path.dirname(path.resolve(specPath)), spec.labelsFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelDockError({
      code: 'labels-file-unreadable',
      title: 'Labels file not found',
      message: code === 'ENOENT'
        ? `The spec's labelsFile "${spec.labelsFile}" does not exist (looked for ${file}).`
        : `The spec's labelsFile "${spec.labelsFile}" cannot be read (${code ?? 'error'}).`,
      fix: `Create ${file} with one class name per line, or fix labelsFile in ${path.basename(specPath)}.`,
    });
  }
  const labels = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return labels.length > 0 ? labels : null;
}

/**
 * Saves spec text only when it is valid. Invalid text comes back with its issues and the file stays untouched;
 * valid text goes to a temporary file beside the target and is renamed over it.
 */
export function writeSpec(specPath: string, text: string): SpecDocument {
  const resolved = path.resolve(specPath);
  const { spec, issues } = validateSpecText(text);
  if (!spec) return { specPath: resolved, exists: fs.existsSync(resolved), spec: null, text, issues };

  const tmp = path.join(path.dirname(resolved), `.${path.basename(resolved)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    let mode: number | undefined;
    try { mode = fs.statSync(resolved).mode & 0o777; } catch { /* new file */ }
    fs.writeFileSync(tmp, text, { encoding: 'utf8', mode: mode ?? 0o644, flag: 'wx' });
    fs.renameSync(tmp, resolved);
  } catch (error) {
    try { fs.rmSync(tmp, { force: true }); } catch { /* best effort */ }
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelDockError({
      code: 'spec-write-failed',
      title: 'Could not save the spec',
      message: `Writing ${resolved} failed (${code ?? 'error'}); the previous file, if any, is unchanged.`,
      fix: code === 'ENOENT' ? 'Check that the folder exists.' : 'Check that the folder is writable and the disk is not full.',
      detail: (error as Error).message,
    });
  }
  return { specPath: resolved, exists: true, spec, text, issues: [] };
}

function problem(specPath: string, exists: boolean, message: string): SpecDocument {
  return { specPath, exists, spec: null, text: '', issues: [{ path: '', message, line: null }] };
}
