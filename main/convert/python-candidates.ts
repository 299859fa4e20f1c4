import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PythonSource } from '../../shared/schemas/convert';

/**
 * Where Python interpreters live on a data scientist's machine, most specific first: the active venv and venvs
 * beside the model (usually the one that trained it), conda environments, every python on PATH, pyenv versions.
 * Only looks at file names; nothing is run here.
 */
export interface PythonCandidate {
  path: string;
  source: PythonSource;
  label: string;
}

export interface CandidateOptions {
  /** A model file or folder: venvs beside it and in its parent folders are included. */
  near?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

const VENV_NAMES = ['.venv', 'venv', 'env', '.env'];
const CONDA_ROOTS = ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba', '.conda'];
/** Parent folders searched for venvs above the model (a project root is rarely further up). */
const MAX_PARENT_LEVELS = 6;
const WINDOWS = process.platform === 'win32';

export function findPythonCandidates(options: CandidateOptions = {}): PythonCandidate[] {
  const env = options.env ?? process.env;
  const home = options.home ?? os.homedir();
  const found: PythonCandidate[] = [];
  const add = (file: string | null, source: PythonSource, label: string) => {
    if (!file || found.some((c) => c.path === file)) return;
    found.push({ path: file, source, label });
  };

  if (env.VIRTUAL_ENV) add(envPython(env.VIRTUAL_ENV), 'venv', `active venv ${path.basename(env.VIRTUAL_ENV)}`);
  if (options.near) {
    const start = path.resolve(options.near);
    let dir = isDirectory(start) && !looksLikeSavedModel(start) ? start : path.dirname(start);
    for (let level = 0; level <= MAX_PARENT_LEVELS; level++) {
      for (const name of VENV_NAMES) {
        const venv = path.join(dir, name);
        add(envPython(venv), 'venv', `venv ${name} ${level === 0 ? 'beside the model' : `in ${dir}`}`);
      }
      const parent = path.dirname(dir);
      if (parent === dir || dir === home) break;
      dir = parent;
    }
  }
  if (env.CONDA_PREFIX) add(envPython(env.CONDA_PREFIX), 'conda', `active conda env ${path.basename(env.CONDA_PREFIX)}`);
  for (const prefix of condaEnvironments(home)) add(envPython(prefix), 'conda', `conda env ${path.basename(prefix)}`);
  for (const file of pathPythons(env)) add(file, 'path', `${path.basename(file)} on PATH (${path.dirname(file)})`);
  const pyenvRoot = env.PYENV_ROOT || path.join(home, '.pyenv');
  for (const version of listDir(path.join(pyenvRoot, 'versions'))) {
    add(envPython(path.join(pyenvRoot, 'versions', version)), 'pyenv', `pyenv ${version}`);
  }
  return found;
}

/** The interpreter inside a venv or conda prefix, if there is one. */
export function envPython(prefix: string): string | null {
  const names = WINDOWS ? ['Scripts/python.exe', 'python.exe'] : ['bin/python3', 'bin/python'];
  for (const name of names) {
    const file = path.join(prefix, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

/** Conda prefixes: base and envs/* of the usual installs, plus conda's own list (~/.conda/environments.txt). */
function condaEnvironments(home: string): string[] {
  const prefixes: string[] = [];
  for (const root of CONDA_ROOTS) {
    const base = path.join(home, root);
    if (root !== '.conda' && isDirectory(path.join(base, 'conda-meta'))) prefixes.push(base);
    for (const name of listDir(path.join(base, 'envs'))) prefixes.push(path.join(base, 'envs', name));
  }
  try {
    const listed = fs.readFileSync(path.join(home, '.conda', 'environments.txt'), 'utf8');
    for (const line of listed.split(/\r?\n/)) if (line.trim()) prefixes.push(line.trim());
  } catch { /* no conda */ }
  return [...new Set(prefixes)];
}

/** Every python3/python on PATH, in PATH order (not just the first, so /usr/bin/python3 shows beside a shim). */
function pathPythons(env: NodeJS.ProcessEnv): string[] {
  const names = WINDOWS ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  const out: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = path.join(dir, name);
      // Windows' Store alias is a placeholder that opens the Store instead of running Python.
      if (WINDOWS && /WindowsApps/i.test(dir)) continue;
      if (isExecutable(file)) out.push(file);
    }
  }
  return out;
}

function looksLikeSavedModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'saved_model.pb'));
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (WINDOWS) return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try { return fs.statSync(dir).isDirectory(); } catch { return false; }
}

function listDir(dir: string): string[] {
  try { return fs.readdirSync(dir).sort(); } catch { return []; }
}
