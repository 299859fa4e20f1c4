/**
 * The servers under test, each started on 127.0.0.1 as a tracked child (see children.ts) and handed back with its
 * base URL, pid and stop(): the bare Node echo server, the ModelDock runtime (dist/serving/modeldock-serve.js) and
 * the lesson's Flask app under gunicorn with 2 workers.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuntimeConfigInput } from '../../shared/schemas/serving';
import { isRunning, runToEnd, startChild, stopChild } from './children';
import { freePort, waitForHttp } from './http-client';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const defaultRuntimeScript = path.join(repoRoot, 'dist', 'serving', 'modeldock-serve.js');

export interface RunningServer {
  name: string;
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the server wrote (for error messages). */
  tail: () => string;
  stop: () => Promise<void>;
}

/**
 * Keeps only the last few KB of a stream: the runtime logs a JSON line per request and must never block on us.
 * onLine (if given) sees each complete line until it returns false; after that the stream is only drained.
 */
function tailOf(stream: NodeJS.ReadableStream | null, onLine?: (line: string) => boolean): () => string {
  let tail = '';
  let partial = '';
  let watching = Boolean(onLine);
  stream?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    if (!watching || !onLine) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!onLine(line)) { watching = false; partial = ''; break; }
    }
  });
  return () => tail;
}

function waitFor<T>(what: string, timeoutMs: number, child: ChildProcess, probe: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not seen within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what}: process exited with code ${code}`)); });
    probe((value) => { clearTimeout(timer); resolve(value); });
  });
}

export async function startEchoServer(): Promise<RunningServer> {
  const child = startChild(process.execPath, ['--import', 'tsx', path.join(__dirname, 'echo-server.ts')], { cwd: repoRoot });
  const stderrTail = tailOf(child.stderr);
  try {
    const port = await waitFor<number>('echo server port', 20_000, child, (resolve) => {
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const match = /\{"port":(\d+)\}/.exec(buffered);
        if (match) resolve(Number(match[1]));
      });
    });
    return { name: 'echo', baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, child, tail: stderrTail, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n${stderrTail()}`);
  }
}

export interface RuntimeLaunch {
  name: string;
  config: RuntimeConfigInput;
  env: Record<string, string>;
  workDir: string;
  /** Extra node flags, e.g. --inspect for the profile pass. */
  nodeFlags?: string[];
  /** The runtime to start (default dist/serving/modeldock-serve.js); another build can be compared with --runtime. */
  script?: string;
}

export async function startRuntime(launch: RuntimeLaunch): Promise<RunningServer & { readyInfo: Record<string, unknown> }> {
  const configPath = path.join(launch.workDir, `${launch.name.replace(/\W+/g, '-')}.config.json`);
  fs.writeFileSync(configPath, JSON.stringify(launch.config, null, 2));
  const child = startChild(process.execPath, [...(launch.nodeFlags ?? []), launch.script ?? defaultRuntimeScript, '--config', configPath, '--port', '0', '--host', '127.0.0.1'], {
    cwd: launch.workDir,
    // A runtime copied elsewhere (an A/B build) still finds onnxruntime-node in this repo.
    // MALLOC_ARENA_MAX as the image sets it (main/docker/dockerfile.ts), so the memory figures are the image's.
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules'), MALLOC_ARENA_MAX: '2', ...launch.env },
  });
  const stderrTail = tailOf(child.stderr);
  let port = 0;
  let readyInfo: Record<string, unknown> = {};
  let stdoutTail = () => '';
  const events = new Promise<void>((resolve) => {
    stdoutTail = tailOf(child.stdout, (line) => {
      if (!line.startsWith('{')) return true;
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event.event === 'listening' && typeof event.port === 'number') port = event.port;
        if (event.event === 'ready') readyInfo = event;
      } catch { /* not one of our events */ }
      if (port && readyInfo.event === 'ready') { resolve(); return false; }
      return true;
    });
  });
  try {
    await waitFor<void>(`runtime ${launch.name} "ready" event`, 90_000, child, (resolve) => { void events.then(resolve); });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(baseUrl, '/v2/health/ready', 10_000, () => isRunning(child));
    return { name: launch.name, baseUrl, pid: child.pid!, child, readyInfo, tail: () => stderrTail() + stdoutTail(), stop: () => stopChild(child, 5000) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n${stderrTail()}${stdoutTail()}`);
  }
}

/** Why the Flask column cannot run here, or null when python3-flask, gunicorn, sklearn and joblib are present. */
export async function flaskMissing(): Promise<string | null> {
  const check = await runToEnd('/usr/bin/python3', ['-c', 'import flask, sklearn, joblib, numpy'], 30_000);
  const gunicorn = fs.existsSync('/usr/bin/gunicorn');
  if (check.code === 0 && gunicorn) return null;
  return 'apt-get install -y python3-flask gunicorn python3-sklearn python3-joblib';
}

export async function trainFlaskModel(outputPath: string): Promise<string> {
  const result = await runToEnd('/usr/bin/python3', [path.join(__dirname, 'train_iris.py'), outputPath], 120_000);
  if (result.code !== 0) throw new Error(`train_iris.py failed: ${result.stderr.trim().slice(-500)}`);
  return result.stdout.trim();
}

export async function startFlask(modelPath: string): Promise<RunningServer> {
  const port = await freePort();
  const child = startChild('/usr/bin/gunicorn', ['-w', '2', '-b', `127.0.0.1:${port}`, '--chdir', __dirname, 'flask_app:app'], {
    cwd: __dirname,
    env: { ...process.env, IRIS_MODEL_PATH: modelPath },
  });
  const stderrTail = tailOf(child.stderr);
  tailOf(child.stdout);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(baseUrl, '/', 30_000, () => isRunning(child));
    return { name: 'flask', baseUrl, pid: child.pid!, child, tail: stderrTail, stop: () => stopChild(child, 5000) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`gunicorn did not start: ${(error as Error).message}\n${stderrTail()}`);
  }
}
