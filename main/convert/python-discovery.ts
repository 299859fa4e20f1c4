import type { PythonInterpreter } from '../../shared/schemas/convert';
import { findPythonCandidates, type CandidateOptions, type PythonCandidate } from './python-candidates';
import { probePython } from './python-probe';

/**
 * The interpreters a recipe could run with, probed in parallel (a few at a time: each probe starts a Python).
 * The same environment reached twice (a pyenv shim on PATH and the pyenv version itself) is listed once, under
 * the name found first.
 */
const PARALLEL_PROBES = 4;

export async function discoverPythons(options: CandidateOptions & { refresh?: boolean; extra?: string } = {}): Promise<PythonInterpreter[]> {
  const candidates = findPythonCandidates(options);
  if (options.extra && !candidates.some((c) => c.path === options.extra)) {
    candidates.unshift({ path: options.extra, source: 'given', label: 'chosen interpreter' });
  }
  const probed = await mapLimited(candidates, PARALLEL_PROBES, (c) => probePython(c, { refresh: options.refresh }));
  const seen = new Set<string>();
  const out: PythonInterpreter[] = [];
  for (const interpreter of probed) {
    const identity = interpreter.prefix && interpreter.version ? `${interpreter.prefix}\u0000${interpreter.version}` : null;
    // A venv made from /usr/bin/python3 has its own prefix, so it stays separate from the system Python.
    if (identity && seen.has(identity) && interpreter.source !== 'given') continue;
    if (identity) seen.add(identity);
    out.push(interpreter);
  }
  return out;
}

/** Probes one interpreter the user named. */
export function probeGiven(pythonPath: string, refresh = false): Promise<PythonInterpreter> {
  const candidate: PythonCandidate = { path: pythonPath, source: 'given', label: pythonPath };
  return probePython(candidate, { refresh });
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
