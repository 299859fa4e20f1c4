import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { PYTHON_PACKAGES, type PythonInterpreter } from '../../shared/schemas/convert';
import type { PythonCandidate } from './python-candidates';

/**
 * Asks one interpreter, in one short subprocess, for its version, prefix and which recipe packages it has. Packages
 * are found with importlib's finder and their versions read from installed metadata, without importing them:
 * importing TensorFlow alone takes seconds, and a probe must not run package code just to list it.
 */
const PROBE_TIMEOUT_MS = 15_000;

/** Written to run on any Python (2.7 included, so an old interpreter says what it is instead of a SyntaxError). */
const PROBE_SCRIPT = `
import json, sys
out = {"version": "%d.%d.%d" % tuple(sys.version_info[:3]), "prefix": sys.prefix, "executable": sys.executable, "packages": {}}
try:
    import importlib.util
    try:
        from importlib import metadata
    except ImportError:
        metadata = None
    dists = {"sklearn": "scikit-learn"}
    for name in ${JSON.stringify(PYTHON_PACKAGES)}:
        try:
            found = importlib.util.find_spec(name) is not None
        except Exception:
            found = False
        version = None
        if found:
            version = ""
            if metadata is not None:
                try:
                    version = metadata.version(dists.get(name, name))
                except Exception:
                    pass
        out["packages"][name] = version
except ImportError:
    pass
sys.stdout.write(json.dumps(out))
`;

interface CacheEntry { key: string; at: number; value: PythonInterpreter }
const cache = new Map<string, CacheEntry>();
const CACHE_MS = 10 * 60_000;

export function clearProbeCache(): void {
  cache.clear();
}

export async function probePython(candidate: PythonCandidate, options: { refresh?: boolean } = {}): Promise<PythonInterpreter> {
  const key = fileKey(candidate.path);
  const cached = cache.get(candidate.path);
  if (!options.refresh && cached && cached.key === key && Date.now() - cached.at < CACHE_MS) {
    return { ...cached.value, source: candidate.source, label: candidate.label };
  }
  const value = await runProbe(candidate);
  if (value.usable) cache.set(candidate.path, { key, at: Date.now(), value });
  return value;
}

function runProbe(candidate: PythonCandidate): Promise<PythonInterpreter> {
  const base = { path: candidate.path, source: candidate.source, label: candidate.label, packages: {} };
  return new Promise((resolve) => {
    // cwd: a neutral folder, so a torch.py in the user's current folder cannot shadow the real package.
    execFile(candidate.path, ['-c', PROBE_SCRIPT], { timeout: PROBE_TIMEOUT_MS, cwd: os.tmpdir(), maxBuffer: 1 << 20, windowsHide: true },
      (error, stdout) => {
        const parsed = parseProbe(stdout);
        if (!parsed?.version) {
          const timedOut = (error as { killed?: boolean } | null)?.killed;
          resolve({
            ...base, version: null, prefix: null, usable: false,
            problem: timedOut ? `did not answer within ${PROBE_TIMEOUT_MS / 1000} s` : `did not start (${firstLine(error?.message) || 'no answer'})`,
          });
          return;
        }
        const major = Number(parsed.version.split('.')[0]);
        const minor = Number(parsed.version.split('.')[1]);
        const tooOld = major < 3 || (major === 3 && minor < 7);
        resolve({
          ...base,
          version: parsed.version,
          prefix: parsed.prefix ?? null,
          usable: !tooOld,
          ...(tooOld ? { problem: `Python ${parsed.version} is too old for the converters (3.8 or newer needed)` } : {}),
          packages: parsed.packages ?? {},
        });
      });
  });
}

interface ProbeAnswer { version?: string; prefix?: string; packages?: Record<string, string | null> }

function parseProbe(stdout: string): ProbeAnswer | null {
  try { return JSON.parse(stdout) as ProbeAnswer; } catch { return null; }
}

function fileKey(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${fs.realpathSync(file)}`;
  } catch {
    return 'missing';
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.slice(0, 200) ?? '';
}
