import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Engine } from '../../main/engine/engine';
import { runCli } from '../../main/cli/run-cli';

/** Helpers shared by the cli-*.test.ts files. */
export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI_SOURCE = path.join(ROOT, 'main', 'cli', 'modeldock.ts');

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured output (no TTY, so no colours and no progress bar). */
export async function runCaptured(argv: string[], opts: { engine?: Engine; cwd?: string; env?: Record<string, string>; tty?: boolean } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => { stdout += t; }, isTTY: opts.tty },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: opts.tty },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  }, { engine: opts.engine });
  return { code, stdout, stderr };
}

/** Runs `modeldock` as a real process (through tsx, from source). */
export function runProcess(argv: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...argv], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}
