import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConvertPhase } from '../../shared/schemas/convert';

/**
 * Runs a recipe script as a child process (never inside the engine): its own process group so cancel and timeout
 * stop everything it started (tf2onnx spawns another Python), stdout/stderr streamed line by line, and the
 * "[modeldock] {...}" lines it prints collected as markers.
 */
export interface RecipeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  log: string[];
  markers: Marker[];
  /** Could not start at all (missing interpreter, permission). */
  spawnError: string | null;
}

export type Marker = Record<string, unknown>;

export interface RunRecipeOptions {
  pythonPath: string;
  script: string;
  scriptName: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  onLine?: (line: string, stream: 'stdout' | 'stderr', phase: ConvertPhase | null) => void;
}

const MAX_LOG_LINES = 2000;
const MARKER = '[modeldock] ';
const KILL_GRACE_MS = 3000;

export async function runRecipe(options: RunRecipeOptions): Promise<RecipeRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-recipe-'));
  const scriptPath = path.join(dir, options.scriptName);
  fs.writeFileSync(scriptPath, options.script);
  try {
    return await spawnAndStream(options, scriptPath);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function spawnAndStream(options: RunRecipeOptions, scriptPath: string): Promise<RecipeRun> {
  const result: RecipeRun = { exitCode: null, signal: null, timedOut: false, cancelled: false, log: [], markers: [], spawnError: null };
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ ...result, cancelled: true });
      return;
    }
    const windows = process.platform === 'win32';
    const child = spawn(options.pythonPath, ['-u', scriptPath], {
      cwd: options.cwd,
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', ...options.env },
      detached: !windows,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let killTimer: NodeJS.Timeout | null = null;
    const stop = (): void => {
      killGroup(child.pid, 'SIGTERM', windows);
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL', windows), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => { result.timedOut = true; stop(); }, options.timeoutMs);
    const onAbort = (): void => { result.cancelled = true; stop(); };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const pending = { stdout: '', stderr: '' };
    const onText = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      pending[stream] += chunk;
      const lines = pending[stream].split(/\r?\n/);
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) handleLine(line, stream);
    };
    const handleLine = (line: string, stream: 'stdout' | 'stderr'): void => {
      let phase: ConvertPhase | null = null;
      if (stream === 'stdout' && line.startsWith(MARKER)) {
        try {
          const marker = JSON.parse(line.slice(MARKER.length)) as Marker;
          result.markers.push(marker);
          if (typeof marker.phase === 'string') phase = marker.phase as ConvertPhase;
        } catch { /* an ordinary line that happens to start like a marker */ }
      }
      result.log.push(line);
      if (result.log.length > MAX_LOG_LINES) result.log.splice(0, result.log.length - MAX_LOG_LINES);
      options.onLine?.(line, stream, phase);
    };
    const out = onText('stdout');
    const err = onText('stderr');
    child.stdout.setEncoding('utf8').on('data', out);
    child.stderr.setEncoding('utf8').on('data', err);
    child.on('error', (error) => { result.spawnError = error.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) handleLine(pending[stream], stream);
      result.exitCode = code;
      result.signal = signal;
      resolve(result);
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals, windows: boolean): void {
  if (!pid) return;
  try {
    if (windows) spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
    else process.kill(-pid, signal);
  } catch { /* already gone */ }
}

export function findMarker<T = unknown>(markers: Marker[], key: string): T | undefined {
  for (let i = markers.length - 1; i >= 0; i--) if (key in markers[i]) return markers[i][key] as T;
  return undefined;
}
