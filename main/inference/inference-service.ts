import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError, cancelledError } from '../../shared/errors';
import type { WireTensor } from '../../shared/schemas/tensor';
import type { HostTensor } from './host-tensor';
import { workerFailureToError } from './ort-errors';
import { wireToHost } from './tensor-codec';
import type {
  DescribeResult, RunResult, SessionSettings, WorkerFailure, WorkerRequest, WorkerResponse,
} from './worker-protocol';

export type { DescribeResult, RunResult, ModelIo, IoMeta, SessionSettings } from './worker-protocol';

/** A feed given by name, without repeating the name inside. */
export type NamedFeeds = Record<string, Omit<HostTensor, 'name'>>;

export interface RunOptions {
  /** Measured runs (outputs come from the first). Default 1. */
  repeat?: number;
  /** Untimed runs first. Default 0. */
  warmup?: number;
  /** ONNX Runtime intra-op threads for this session (0 = ONNX Runtime's choice). */
  threads?: number;
  /** False drops outputs in the worker (benchmarks). Default true. */
  keepOutputs?: boolean;
  onProgress?: (event: { phase: 'warmup' | 'measure'; done: number; total: number }) => void;
  /**
   * Aborting stops a repeat/benchmark loop between runs and resolves with what was measured (cancelled: true).
   * A single run that does not finish within a grace period is stopped by restarting the worker, and rejects.
   */
  signal?: AbortSignal;
}

export interface ServiceOptions {
  /** Worker entry to fork; by default the bundled inference-worker.js beside this file, else the TS source. */
  workerScript?: string;
  /** How long an aborted call may take to stop between runs before the worker is restarted. */
  cancelGraceMs?: number;
}

type Action = 'loading' | 'running' | 'benchmarking' | 'releasing' | 'testing';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  action: Action;
  modelPath: string;
  onProgress?: RunOptions['onProgress'];
}

const STDERR_TAIL_BYTES = 4096;

/**
 * Owns the inference worker process, where every ONNX Runtime session lives. A native crash or OOM there kills only
 * the worker: pending calls reject with a plain explanation and the next call starts a fresh worker. The engine
 * process itself never loads ONNX Runtime.
 */
export class InferenceService {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly describeCache = new Map<string, DescribeResult>();
  private stderrTail = '';
  private disposed = false;
  private readonly options: ServiceOptions;
  /** Worker restarts so far (crashes and forced stops); tests and diagnostics read it. */
  restarts = 0;

  constructor(options: ServiceOptions = {}) {
    this.options = options;
  }

  get workerPid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The model's inputs and outputs as ONNX Runtime sees them; loads the session if needed. */
  async describe(modelPath: string, opts: { threads?: number; signal?: AbortSignal } = {}): Promise<DescribeResult> {
    const absolute = path.resolve(modelPath);
    const key = `${statKey(absolute)}\u0000${opts.threads ?? 0}`;
    const cached = this.describeCache.get(key);
    if (cached) return { io: cached.io, sessionCreateMs: null };
    const result = (await this.request(
      { type: 'describe', modelPath: absolute, settings: settingsFor(opts.threads) }, 'loading', absolute, opts.signal,
    )) as DescribeResult;
    this.describeCache.set(key, result);
    return result;
  }

  /** Runs the model in the worker. Feeds are checked by ONNX Runtime only; callers validate shapes first. */
  async run(modelPath: string, feeds: HostTensor[] | WireTensor[] | NamedFeeds, opts: RunOptions = {}): Promise<RunResult> {
    const absolute = path.resolve(modelPath);
    const repeat = Math.max(1, opts.repeat ?? 1);
    const warmup = Math.max(0, opts.warmup ?? 0);
    const action: Action = warmup > 0 || opts.keepOutputs === false ? 'benchmarking' : 'running';
    return (await this.request(
      {
        type: 'run',
        modelPath: absolute,
        settings: settingsFor(opts.threads),
        run: { feeds: normaliseFeeds(feeds), repeat, warmup, keepOutputs: opts.keepOutputs ?? true, progress: !!opts.onProgress },
      },
      action, absolute, opts.signal, opts.onProgress,
    )) as RunResult;
  }

  /** Frees the worker's sessions for one model (or all). */
  async release(modelPath?: string): Promise<void> {
    this.describeCache.clear();
    if (!this.child) return;
    await this.request({ type: 'release', modelPath: modelPath ? path.resolve(modelPath) : null }, 'releasing', modelPath ?? '');
  }

  /** Test hook: makes the worker die for real (needs MODELDOCK_TEST_HOOKS=1 in the worker's environment). */
  async crashWorkerForTest(how: 'abort' | 'exit' = 'abort'): Promise<void> {
    await this.request({ type: 'test-crash', how }, 'testing', '');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stopWorker();
  }

  private request(
    message: DistributiveOmit<WorkerRequest, 'id'>, action: Action, modelPath: string, signal?: AbortSignal,
    onProgress?: RunOptions['onProgress'],
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    const child = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      let graceTimer: NodeJS.Timeout | null = null;
      const onAbort = (): void => {
        if (!this.pending.has(id)) return;
        try { child.send({ id: this.nextId++, type: 'cancel', target: id } satisfies WorkerRequest); } catch { /* worker already gone */ }
        // A single long session.run cannot be interrupted: restart the worker if it does not come back soon.
        graceTimer = setTimeout(() => {
          const entry = this.pending.get(id);
          if (!entry) return;
          this.pending.delete(id);
          entry.reject(cancelledError());
          void this.stopWorker();
        }, this.options.cancelGraceMs ?? 3000);
        graceTimer.unref();
      };
      const settle = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (graceTimer) clearTimeout(graceTimer);
        this.updateRef();
      };
      this.pending.set(id, {
        action, modelPath, onProgress,
        resolve: (v) => { settle(); resolve(v); },
        reject: (e) => { settle(); reject(e); },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.updateRef();
      child.send({ ...message, id } as WorkerRequest, (error) => {
        if (error && this.pending.has(id)) {
          this.pending.delete(id);
          settle();
          reject(workerGone(action, `the request could not be sent (${error.message})`));
        }
      });
    });
  }

  private ensureWorker(): ChildProcess {
    if (this.disposed) {
      throw new ModelDockError({ code: 'engine-stopped', title: 'ModelDock is shutting down', message: 'The inference worker has been stopped.', fix: 'Restart ModelDock.' });
    }
    if (this.child && this.child.connected) return this.child;
    const { script, execArgv } = this.workerEntry();
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    const child = fork(script, [], {
      execArgv,
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (message: WorkerResponse) => this.onMessage(message));
    child.on('error', () => { /* 'exit' follows and reports */ });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.child = child;
    this.updateRef();
    return child;
  }

  private workerEntry(): { script: string; execArgv: string[] } {
    if (this.options.workerScript) {
      const ts = this.options.workerScript.endsWith('.ts');
      return { script: this.options.workerScript, execArgv: ts ? ['--import', 'tsx'] : [] };
    }
    const bundled = path.join(__dirname, 'inference-worker.js');
    if (fs.existsSync(bundled)) return { script: bundled, execArgv: [] };
    // Development and tests run the TypeScript source through tsx.
    return { script: path.join(__dirname, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
  }

  private onMessage(message: WorkerResponse): void {
    const entry = this.pending.get(message.id);
    if (!entry) return;
    if (message.type === 'progress') {
      entry.onProgress?.({ phase: message.phase, done: message.done, total: message.total });
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') entry.resolve(message.value);
    else entry.reject(workerFailureToError(message.error as WorkerFailure, entry.modelPath));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    this.describeCache.clear();
    this.restarts++;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const stderr = this.stderrTail.trim();
    for (const [id, entry] of [...this.pending]) {
      this.pending.delete(id);
      entry.reject(workerGone(entry.action, `${how}${stderr ? `\n${stderr}` : ''}`));
    }
  }

  /** Keeps the CLI from hanging on an idle worker: the child holds the event loop only while calls are pending. */
  private updateRef(): void {
    const child = this.child;
    if (!child) return;
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    const stderr = child.stderr as unknown as { ref?: () => void; unref?: () => void } | null;
    if (this.pending.size > 0) { child.ref(); channel?.ref?.(); stderr?.ref?.(); }
    else { child.unref(); channel?.unref?.(); stderr?.unref?.(); }
  }

  private async stopWorker(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
      const timer = setTimeout(() => { child.kill('SIGKILL'); }, 2000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    });
  }
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

function settingsFor(threads?: number): SessionSettings {
  return threads ? { intraOpNumThreads: threads } : {};
}

function statKey(absolute: string): string {
  try {
    const stat = fs.statSync(absolute);
    return `${absolute}\u0000${stat.mtimeMs}\u0000${stat.size}`;
  } catch {
    return absolute;
  }
}

function normaliseFeeds(feeds: HostTensor[] | WireTensor[] | NamedFeeds): HostTensor[] {
  const list: Array<HostTensor | WireTensor> = Array.isArray(feeds)
    ? feeds
    : Object.entries(feeds).map(([name, t]) => ({ ...t, name }));
  return list.map((t) => {
    const isWire = Array.isArray(t.data) && (t.elementType !== 'string' || t.data.some((v) => typeof v !== 'string'));
    return isWire ? wireToHost(t as WireTensor) : (t as HostTensor);
  });
}

function workerGone(action: Action, detail: string): ModelDockError {
  const doing = action === 'loading' ? 'loading' : action === 'benchmarking' ? 'benchmarking' : action === 'running' ? 'running' : 'working on';
  return new ModelDockError({
    code: 'runtime-crashed',
    title: 'ONNX Runtime crashed',
    message: `ONNX Runtime crashed while ${doing} this model; the app is fine.`,
    fix: 'The model (or these inputs) makes ONNX Runtime fail natively, e.g. out of memory or an operator bug. Try smaller inputs, or check the model with Validate. The next request starts a fresh runtime.',
    detail,
  });
}
