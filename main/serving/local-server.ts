import { spawn, type ChildProcess } from 'node:child_process';
import { ModelDockError, cancelledError, type ErrorInfo } from '../../shared/errors';
import type { LogLine, ServerState, ServerStatus, ServingPlan } from '../../shared/schemas/serve';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import { jsonFields, problemText, type LogBuffer } from './log-buffer';
import { MetricsTracker } from './metrics-summary';
import { runtimeEnv } from './runtime-script';

const MAX_LINE = 64 * 1024;

export interface LaunchOptions {
  script: string;
  configPath: string;
  host: string;
  /** 0: any free port. */
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onStep?: (step: 'spawned' | 'listening') => void;
}

/**
 * One run of the serving runtime as a child process. It is ready when the runtime logs `ready` (model loaded and
 * warmed up); a runtime that exits first leaves a failed status whose error quotes the runtime's own lines.
 */
export class LocalServer {
  state: ServerState = 'starting';
  port: number | null = null;
  url: string | null = null;
  startedAt: string | null = null;
  readyAt: string | null = null;
  stoppedAt: string | null = null;
  loadMs: number | null = null;
  warmupMs: number | null = null;
  plan: ServingPlan | null = null;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  error: ErrorInfo | null = null;
  readonly metrics = new MetricsTracker();
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private host = '127.0.0.1';

  constructor(
    readonly id: string,
    readonly config: RuntimeConfig,
    readonly specPath: string | null,
    readonly configPath: string,
    private readonly logs: LogBuffer,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  status(): ServerStatus {
    return {
      id: this.id,
      modelPath: this.config.model.path,
      specPath: this.specPath,
      modelName: this.config.model.name,
      modelVersion: this.config.model.version,
      state: this.state,
      host: this.host,
      port: this.port,
      url: this.url,
      pid: this.alive ? this.pid : null,
      startedAt: this.startedAt,
      readyAt: this.readyAt,
      stoppedAt: this.stoppedAt,
      loadMs: this.loadMs,
      warmupMs: this.warmupMs,
      plan: this.plan,
      exitCode: this.exitCode,
      exitSignal: this.exitSignal,
      error: this.error,
      configPath: this.configPath,
    };
  }

  /** Spawns the runtime and resolves once it is ready; rejects (and leaves state "failed") otherwise. */
  launch(options: LaunchOptions): Promise<void> {
    this.host = options.host;
    this.startedAt = new Date().toISOString();
    this.note(`Starting modeldock-serve for ${this.config.model.name} (${this.config.model.path})`);
    const child = spawn(process.execPath, [options.script, '--config', options.configPath], {
      env: runtimeEnv({ MODELDOCK_HOST: options.host, PORT: String(options.port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    options.onStep?.('spawned');

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error: ModelDockError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const fail = (error: ModelDockError) => {
        if (this.state === 'starting' || this.state === 'ready') this.state = 'failed';
        this.error = error.toInfo();
        settle(error);
      };
      const timer = setTimeout(() => {
        const error = this.startError(
          'serve-start-timeout', 'The server did not become ready in time',
          `The model was still loading or warming up after ${Math.round(options.timeoutMs / 1000)} s, so the server was stopped.`,
          'A very large model may need longer; check the log below for what it was doing.',
        );
        fail(error);
        void this.stop(2000);
      }, options.timeoutMs);
      const onAbort = () => {
        settle(cancelledError());
        void this.stop(2000);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });

      this.readLines(child, 'stdout', (line) => {
        if (line.event === 'listening') {
          const fields = jsonFields(line.raw);
          const port = Number(fields?.port);
          if (Number.isInteger(port) && port > 0) {
            this.port = port;
            this.url = `http://${urlHost(options.host)}:${port}`;
          }
          options.onStep?.('listening');
        } else if (line.event === 'ready' && this.state === 'starting') {
          const fields = jsonFields(line.raw);
          this.loadMs = typeof fields?.loadMs === 'number' ? fields.loadMs : null;
          this.warmupMs = typeof fields?.warmupMs === 'number' ? fields.warmupMs : null;
          this.plan = this.logs.plan;
          this.state = 'ready';
          this.readyAt = new Date().toISOString();
          if (!this.url && options.port > 0) {
            this.port = options.port;
            this.url = `http://${urlHost(options.host)}:${options.port}`;
          }
          settle(null);
        }
      });
      this.readLines(child, 'stderr', () => {});

      child.once('error', (error) => {
        this.note(`Could not start the runtime: ${error.message}`, 'error');
        fail(new ModelDockError({
          code: 'serve-spawn-failed',
          title: 'The server could not be started',
          message: `Starting ${process.execPath} failed (${(error as NodeJS.ErrnoException).code ?? error.message}).`,
          fix: 'Check that ModelDock is installed completely, then try again.',
        }));
      });
      child.once('close', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.stoppedAt = new Date().toISOString();
        const how = code !== null ? `exit code ${code}` : `signal ${signal}`;
        if (this.state === 'stopping') {
          this.state = 'stopped';
          this.note(`Server stopped (${how}).`);
          settle(cancelledError());
        } else if (this.state === 'starting') {
          this.note(`Server exited before it was ready (${how}).`, 'error');
          fail(this.startError(
            'serve-start-failed', 'The server could not start',
            `modeldock-serve stopped with ${how} before the model was ready${this.firstProblem()}`,
            'The server log shows what it did; fix the model or the spec, then start again.',
          ));
        } else if (this.state === 'ready') {
          this.note(`Server stopped unexpectedly (${how}).`, 'error');
          this.state = 'failed';
          this.error = this.startError(
            'serve-crashed', 'The server stopped unexpectedly',
            `modeldock-serve stopped with ${how} while serving${this.firstProblem()}`,
            'Read its last lines below, then start it again.',
          ).toInfo();
        }
      });
    });
  }

  /** SIGTERM (the runtime drains in-flight requests), then SIGKILL after the grace period. */
  async stop(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) {
      if (this.state === 'starting' || this.state === 'ready' || this.state === 'stopping') this.state = 'stopped';
      return;
    }
    if (this.state !== 'failed') this.state = 'stopping';
    this.note('Stopping: SIGTERM sent; requests in flight may finish.');
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.alive) {
        this.note(`Still running after ${Math.round(graceMs / 1000)} s: SIGKILL sent.`, 'warn');
        child.kill('SIGKILL');
      }
    }, graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort when the engine's process exits: no waiting possible. */
  killNow(): void {
    if (this.alive) this.child?.kill('SIGKILL');
  }

  private readLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: LogLine) => void): void {
    let pending = '';
    const source = stream === 'stdout' ? child.stdout : child.stderr;
    source?.setEncoding('utf8');
    source?.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        if (text.trim() && !isMetricsScrape(text)) onLine(this.logs.push(text, stream));
      }
      if (pending.length > MAX_LINE) {
        onLine(this.logs.push(pending, stream));
        pending = '';
      }
    });
    source?.on('end', () => {
      if (pending.trim()) onLine(this.logs.push(pending, stream));
      pending = '';
    });
  }

  private note(message: string, level: LogLine['level'] = 'info'): void {
    this.logs.push(JSON.stringify({ time: new Date().toISOString(), level, event: 'modeldock', msg: message }), 'app');
  }

  /** The runtime's first complaint, in its own words, to quote in the error. */
  private firstProblem(): string {
    const problem = this.logs.problems(20).filter((l) => l.stream !== 'app')[0];
    if (!problem) return '.';
    const fields = jsonFields(problem.raw);
    const text = fields ? problemText(fields) || problem.message : problem.message;
    return `: ${text.replace(/^modeldock-serve:\s*/, '')}`;
  }

  private startError(code: string, title: string, message: string, fix: string): ModelDockError {
    const lines = this.logs.tail(40).filter((l) => l.stream !== 'app').map((l) => l.raw);
    const portClash = lines.some((l) => /EADDRINUSE|address already in use/i.test(l));
    if (portClash && this.port === null) {
      return new ModelDockError({
        code: 'port-in-use',
        title: 'The port is already in use',
        message: 'Another program took the port between the check and the start.',
        fix: 'Pick another port, or leave the port empty to use any free one.',
        detail: lines.join('\n'),
      });
    }
    return new ModelDockError({ code, title, message, fix, detail: lines.length ? lines.join('\n') : undefined });
  }
}

/**
 * GET /metrics lines: the app reads /metrics every couple of seconds for its charts, and a line for each read would
 * bury the requests the user sends.
 */
function isMetricsScrape(line: string): boolean {
  if (!line.includes('"/metrics"')) return false;
  const fields = jsonFields(line);
  return fields?.event === 'request' && fields.path === '/metrics' && fields.method === 'GET';
}

/** A server bound to every address is still reached from this machine through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
