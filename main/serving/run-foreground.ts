import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import { describeEvent } from './log-buffer';
import { findServingRuntime, runtimeEnv } from './runtime-script';

export interface ForegroundOptions {
  config: RuntimeConfig;
  host: string;
  /** Absent: the runtime's own choice (the spec's serving.port, or PORT from the environment). */
  port?: number;
  /** Print the JSON log lines as readable text instead of passing them through. */
  pretty: boolean;
  stdout: { write(text: string): unknown };
  /** Aborted on Ctrl-C / SIGTERM of this process when the signal did not reach us directly. */
  signal: AbortSignal;
  /** Told the URL once the model is loaded and the runtime answers (the CLI prints it on stderr). */
  onReady?: (url: string) => void;
  colour?: { dim(text: string): string; red(text: string): string; yellow(text: string): string };
  script?: string;
}

/**
 * `modeldock serve`: the serving runtime in the foreground, as if exec'd. SIGINT and SIGTERM are forwarded once
 * (the child runs in its own process group, so a terminal's Ctrl-C does not reach it twice), stdout is passed
 * through (or made readable with pretty), stderr is shared, and the runtime's exit code becomes ours.
 */
export async function runForeground(options: ForegroundOptions): Promise<number> {
  const script = options.script ?? findServingRuntime();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-serve-'));
  const configPath = path.join(folder, 'config.json');
  fs.writeFileSync(configPath, `${JSON.stringify(options.config, null, 2)}\n`);

  const extra: Record<string, string> = { MODELDOCK_HOST: options.host };
  if (options.port !== undefined) extra.PORT = String(options.port);
  const child = spawn(process.execPath, [script, '--config', configPath], {
    env: runtimeEnv(extra),
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });

  let forwarded = false;
  const forward = (signal: NodeJS.Signals) => () => {
    forwarded = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  const onExit = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.once('exit', onExit);
  // Aborted without a process signal (an embedding caller): ask the runtime to shut down gracefully.
  const onAbort = () => setTimeout(() => { if (!forwarded) forward('SIGTERM')(); }, 20);
  options.signal.addEventListener('abort', onAbort, { once: true });

  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    if (!options.pretty) options.stdout.write(chunk);
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      handleLine(line);
    }
  });

  let url: string | null = null;
  function handleLine(line: string): void {
    let fields: Record<string, unknown> | null = null;
    if (line.startsWith('{')) {
      try { fields = JSON.parse(line) as Record<string, unknown>; } catch { fields = null; }
    }
    if (fields?.event === 'listening' && typeof fields.port === 'number') {
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
      url = `http://${host}:${fields.port}`;
    }
    if (fields?.event === 'ready' && url) options.onReady?.(url);
    if (options.pretty) options.stdout.write(`${fields ? prettyLine(fields, options.colour) : line}\n`);
  }

  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (error) => {
        process.stderr.write(`modeldock serve: could not start the runtime (${error.message}).\n`);
        resolve(1);
      });
      child.once('close', (code, signal) => {
        if (pending) handleLine(pending);
        resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
      });
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('exit', onExit);
    options.signal.removeEventListener('abort', onAbort);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** "12:00:01.123 INFO  POST /predict 200 1.2 ms" */
export function prettyLine(fields: Record<string, unknown>, colour?: ForegroundOptions['colour']): string {
  const time = typeof fields.time === 'string' ? fields.time.slice(11, 23) : '';
  const level = String(fields.level ?? 'info').toUpperCase().padEnd(5);
  const painted = !colour ? level : level.startsWith('ERR') ? colour.red(level) : level.startsWith('WARN') ? colour.yellow(level) : level;
  return `${colour ? colour.dim(time) : time} ${painted} ${describeEvent(fields)}`;
}
