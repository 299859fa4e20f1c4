/**
 * Shared by tests/serving/*.test.ts: builds dist/serving once per test file, starts the real runtime process on a
 * free loopback port, and collects its JSON log lines. Extra models (a slow one, one input per element type) are
 * generated here with the project's ONNX writer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeModel, floatTensor, tensorInfo, type ModelDef } from '../../main/model/onnx-writer';
import type { ElementType } from '../../shared/schemas/tensor';
import { ensureBuilt } from '../support/ensure-built';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVE_SCRIPT = path.join(ROOT, 'dist', 'serving', 'modeldock-serve.js');

let built = false;

export function buildRuntime(): void {
  if (built) return;
  ensureBuilt();
  built = true;
}

export interface LogLine {
  time: string;
  level: string;
  event: string;
  [key: string]: unknown;
}

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
  stop: () => Promise<number | string>;
}

export interface StartOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Wait for "ready" (default) or only for "listening". */
  waitFor?: 'ready' | 'listening';
  timeoutMs?: number;
}

export function startServer(t: { after: (fn: () => void | Promise<void>) => void }, options: StartOptions): Promise<RunningServer> {
  buildRuntime();
  const child = spawn(process.execPath, [SERVE_SCRIPT, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...(options.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let errText = '';
  let pending = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  child.stderr!.on('data', (d: Buffer) => { errText += d.toString(); });
  const wanted = options.waitFor ?? 'ready';
  return new Promise<RunningServer>((resolve, reject) => {
    let port = 0;
    const timer = setTimeout(() => reject(new Error(`no "${wanted}" within ${options.timeoutMs ?? 30000} ms; logs: ${JSON.stringify(logs)} stderr: ${errText}`)), options.timeoutMs ?? 30000);
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          reject(new Error(`a stdout line is not JSON: ${line}`));
          continue;
        }
        logs.push(parsed);
        if (parsed.event === 'listening') port = parsed.port as number;
        if (parsed.event === wanted) {
          clearTimeout(timer);
          const url = `http://127.0.0.1:${port}`;
          resolve({
            url, port, child, logs, exited,
            stderr: () => errText,
            stop: async () => {
              if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
              return exited;
            },
          });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${code}) before "${wanted}"; stderr: ${errText}`));
    });
  });
}

/** Runs the runtime expecting it to exit (config errors): code, stdout lines and stderr. */
export function runToExit(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  buildRuntime();
  const result = spawnSync(process.execPath, [SERVE_SCRIPT, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'modeldock-serving-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The body as JSON (typed loosely: tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(res: Response): Promise<any> {
  return res.json();
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: keep text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * A deliberately slow model: x float32 [batch, 512] through `layers` x (MatMul with one shared 512x512 weight, Tanh).
 * About 0.5 MFLOP per layer per row, so rows x layers sets the time.
 */
export function writeSlowModel(dir: string, layers = 200): string {
  const n = 512;
  let seed = 42;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const w = Array.from({ length: n * n }, () => (rand() * 2 - 1) * (1.5 / Math.sqrt(n)));
  const nodes = [];
  let current = 'x';
  for (let i = 0; i < layers; i++) {
    nodes.push({ opType: 'MatMul', inputs: [current, 'W'], outputs: [`m${i}`] });
    nodes.push({ opType: 'Tanh', inputs: [`m${i}`], outputs: [i === layers - 1 ? 'y' : `t${i}`] });
    current = `t${i}`;
  }
  const model: ModelDef = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'modeldock-tests',
    graph: {
      name: 'slow',
      nodes,
      inputs: [tensorInfo('x', 'float32', ['batch', n])],
      outputs: [tensorInfo('y', 'float32', ['batch', n])],
      initializers: [floatTensor('W', [n, n], w)],
    },
  };
  const file = path.join(dir, 'slow.onnx');
  fs.writeFileSync(file, encodeModel(model));
  return file;
}

/** Element types V2 names, each an Identity from "in_<type>" [batch, 2] to "out_<type>". */
export const IDENTITY_TYPES: ElementType[] = ['bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'string'];

export function writeAllTypesModel(dir: string): string {
  const model: ModelDef = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'modeldock-tests',
    graph: {
      name: 'all_types',
      nodes: IDENTITY_TYPES.map((t) => ({ opType: 'Identity', inputs: [`in_${t}`], outputs: [`out_${t}`] })),
      inputs: IDENTITY_TYPES.map((t) => tensorInfo(`in_${t}`, t, ['batch', 2])),
      outputs: IDENTITY_TYPES.map((t) => tensorInfo(`out_${t}`, t, ['batch', 2])),
    },
  };
  const file = path.join(dir, 'all-types.onnx');
  fs.writeFileSync(file, encodeModel(model));
  return file;
}


/** Polls until the condition holds (log lines arrive a moment after the response they describe). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
