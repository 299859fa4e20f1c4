import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExternalDataFile } from '../../shared/schemas/model';

/** What the graph says about one external data file, gathered while reading initializers. */
export interface ExternalDataUse {
  location: string;
  tensors: number;
  /** Sum of declared lengths; null once any tensor reads "to the end" (no length). */
  bytes: number | null;
  /** The furthest byte any tensor needs (offset + length). */
  furthestByte: number;
}

export function addExternalUse(uses: Map<string, ExternalDataUse>, location: string, offset: number, length: number | null): void {
  const use = uses.get(location) ?? { location, tensors: 0, bytes: 0, furthestByte: 0 };
  use.tensors++;
  use.bytes = use.bytes === null || length === null ? null : use.bytes + length;
  use.furthestByte = Math.max(use.furthestByte, offset + (length ?? 0));
  uses.set(location, use);
}

/**
 * Every external data location must name a file inside the model's folder. A model is often downloaded from
 * somewhere untrusted; a location like "/etc/passwd" or "../../secrets" would make ONNX Runtime read (and a served
 * container ship) files that have nothing to do with the model.
 */
export function resolveExternalData(modelPath: string, uses: Iterable<ExternalDataUse>): ExternalDataFile[] {
  const modelDir = path.dirname(path.resolve(modelPath));
  let realModelDir = modelDir;
  try { realModelDir = fs.realpathSync(modelDir); } catch { /* keep the plain path */ }
  return [...uses].map((use) => {
    const base = { location: use.location, bytes: use.bytes, tensors: use.tensors };
    const checked = checkLocation(modelDir, realModelDir, use);
    return checked.problem ? { ...base, resolvedPath: null, problem: checked.problem } : { ...base, resolvedPath: checked.resolvedPath };
  });
}

function checkLocation(modelDir: string, realModelDir: string, use: ExternalDataUse): { resolvedPath: string; problem?: string } {
  const location = use.location;
  if (!location.trim()) return { resolvedPath: '', problem: 'The location is empty: the tensor does not say which file holds its data.' };
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) {
    return { resolvedPath: '', problem: `"${location}" is an absolute path. External data must be a file in the model's folder, named relative to it.` };
  }
  const resolved = path.resolve(modelDir, location);
  if (!isInside(modelDir, resolved) || location.split(/[\\/]+/).includes('..')) {
    return { resolvedPath: '', problem: `"${location}" points outside the model's folder (it climbs out with ".."). External data must stay in the model's folder.` };
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(resolved);
  } catch {
    return { resolvedPath: '', problem: `"${location}" was not found in ${modelDir}.` };
  }
  let real: string;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    return { resolvedPath: '', problem: `"${location}" is a link to a file that does not exist.` };
  }
  if (!isInside(realModelDir, real)) {
    return { resolvedPath: '', problem: `"${location}" is a symbolic link to ${real}, outside the model's folder. Copy the data file into the folder instead of linking to it.` };
  }
  const target = stat.isSymbolicLink() ? fs.statSync(real) : stat;
  if (!target.isFile()) return { resolvedPath: '', problem: `"${location}" is not a regular file.` };
  if (target.size < use.furthestByte) {
    return {
      resolvedPath: '',
      problem: `"${location}" has ${target.size} bytes but the model reads up to byte ${use.furthestByte}: the data file is truncated or belongs to another export.`,
    };
  }
  return { resolvedPath: real };
}

function isInside(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export type ExternalProblemKind = 'absolute-path' | 'escapes-folder' | 'symlink-escape' | 'missing' | 'truncated' | 'invalid';

/** Which rule an external-data problem broke, read back from the messages above (kept beside them on purpose). */
export function externalProblemKind(problem: string): ExternalProblemKind {
  if (problem.includes('is an absolute path')) return 'absolute-path';
  if (problem.includes('points outside the model')) return 'escapes-folder';
  if (problem.includes('is a symbolic link to')) return 'symlink-escape';
  if (problem.includes('was not found') || problem.includes('does not exist')) return 'missing';
  if (problem.includes('is truncated')) return 'truncated';
  return 'invalid';
}
