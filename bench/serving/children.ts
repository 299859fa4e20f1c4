/**
 * Every process the serving benchmark starts goes through here, so none outlives it: each child leads its own
 * process group (gunicorn's workers included), stop() sends SIGTERM to that group and SIGKILL after a grace
 * period, and an exit/SIGINT/SIGTERM hook stops whatever is still running.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const running = new Set<ChildProcess>();
let hooksInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that cannot be left half done.
  process.on('exit', () => { for (const child of running) signalGroup(child, 'SIGKILL'); });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping ${running.size} benchmark process(es)\n`);
      for (const child of running) signalGroup(child, 'SIGTERM');
      setTimeout(() => process.exit(130), 500).unref();
    });
  }
}

export function startChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  installHooks();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** Process group ids of the children still running (each child leads its own group). */
export function trackedGroups(): Set<number> {
  return new Set([...running].map((c) => c.pid).filter((pid): pid is number => pid !== undefined));
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && running.has(child);
}

/** SIGTERM the child's group, SIGKILL after graceMs; resolves once the leader has exited (bounded). */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!isRunning(child)) {
    signalGroup(child, 'SIGKILL'); // stray group members (gunicorn workers) of a leader that already exited
    running.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs + 2000))]);
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL');
  running.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Runs a command to completion with a hard time limit; returns stdout, stderr and the exit code. */
export async function runToEnd(command: string, args: string[], timeoutMs: number, options: SpawnOptions = {}):
  Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const child = startChild(command, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; void stopChild(child, 1000); }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.once('error', (error) => { stderr += String(error); resolve(null); });
  });
  clearTimeout(timer);
  running.delete(child);
  return { code, stdout, stderr, timedOut };
}
