import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

export interface RunningWeb {
  url: string;
  origin: string;
  /** How the server was started: the real CLI (`node dist/modeldock.js ui`) or the in-process fallback. */
  via: 'cli' | 'tsx-fallback' | 'preview-engine';
  /** Milliseconds from spawn until the URL line appeared. */
  listenMs: number;
  spawnedAt: number;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts web mode the way a user does (`modeldock ui --port 0 --no-open`) with an isolated data dir, and resolves
 * once it prints `ModelDock web mode: <url>`. Falls back to the in-process starter while the CLI is missing.
 */
export async function startWeb(dataDir: string, timeoutMs = 30_000): Promise<RunningWeb> {
  const cli = path.join(ROOT, 'dist', 'modeldock.js');
  // MODELDOCK_E2E_PREVIEW=1 runs the UI against canned answers (layout work while engine parts are missing).
  const preview = process.env.MODELDOCK_E2E_PREVIEW === '1';
  const useCli = !preview && fs.existsSync(cli);
  const args = useCli
    ? [cli, 'ui', '--port', '0', '--no-open']
    : ['--import', 'tsx', path.join(ROOT, preview ? 'tests/e2e/support/preview.ts' : 'tests/e2e/support/web-server-main.ts')];
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, MODELDOCK_DATA_DIR: dataDir, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not print its URL within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = () => {
      const match = /ModelDock web mode: (\S+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited early (code ${code}):\n${log}`));
    });
  });
  const listenMs = Date.now() - spawnedAt;
  return {
    url,
    origin: new URL(url).origin,
    via: useCli ? 'cli' : preview ? 'preview-engine' : 'tsx-fallback',
    listenMs,
    spawnedAt,
    output: () => log,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
