import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type {
  LogLine, ServeMetricsResponse, ServeTryResponse, ServerStatus, TryExample, TryImage, TryProtocol,
} from '../../shared/schemas/serve';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import type { IoMeta } from '../inference/worker-protocol';
import { LogBuffer } from './log-buffer';
import { LocalServer } from './local-server';
import { resolveRuntimeConfigDetailed } from './resolve-runtime-config';
import { findServingRuntime, portInUseError, portIsFree } from './runtime-script';
import { imageExampleFor, imageToSend, photoInputsFor, prepareImageRequest } from './try-image';
import { exampleFor, prepareRequest, sampleBody } from './try-protocols';
import { sendTry } from './try-send';

export interface LocalServersOptions {
  /** The engine's data folder; configs go to <dataDir>/serve/<id>/config.json. */
  dataDir: string;
  /** The runtime to spawn; by default the bundled dist/serving/modeldock-serve.js. */
  runtimeScript?: string;
  /** How long the model may take to load and warm up. */
  startTimeoutMs?: number;
}

export interface StartOptions {
  specPath?: string;
  port?: number;
  restart?: boolean;
  host?: string;
  signal?: AbortSignal;
  onStep?: (step: string, index: number, total: number) => void;
}

const START_STEPS = ['Reading the spec', 'Starting the server', 'Loading the model and warming up'];
const METRICS_MIN_INTERVAL_MS = 900;

interface Entry {
  logs: LogBuffer;
  server: LocalServer | null;
  starting: Promise<ServerStatus> | null;
}

/** Every LocalServers not yet disposed, for the process-exit safety net (one listener, however many engines). */
const LIVE = new Set<LocalServers>();

function killAllNow(): void {
  for (const servers of LIVE) servers.killNow();
}

/**
 * "Serve locally": one serving runtime per model path, run as a child process on 127.0.0.1 (no Docker). Owned by
 * the engine and stopped with it; its log lines stay readable after it stops, until it is started again.
 */
export class LocalServers {
  private readonly entries = new Map<string, Entry>();
  private disposed = false;

  constructor(private readonly options: LocalServersOptions) {
    LIVE.add(this);
    if (LIVE.size === 1) process.on('exit', killAllNow);
  }

  /** Last resort when the process exits without dispose (a crash, process.exit): no server is left behind. */
  killNow(): void {
    for (const entry of this.entries.values()) entry.server?.killNow();
  }

  async start(modelPath: string, options: StartOptions = {}): Promise<ServerStatus> {
    if (this.disposed) throw new ModelDockError({ code: 'engine-closed', title: 'ModelDock is shutting down', message: 'No server can be started now.' });
    const key = path.resolve(modelPath);
    const entry = this.entry(key);
    if (entry.starting && !options.restart) return entry.starting;
    if (entry.server?.alive && !options.restart && entry.server.state === 'ready') return entry.server.status();

    const run = this.launch(key, entry, options);
    entry.starting = run;
    try {
      return await run;
    } finally {
      if (entry.starting === run) entry.starting = null;
    }
  }

  private async launch(key: string, entry: Entry, options: StartOptions): Promise<ServerStatus> {
    const step = (index: number) => options.onStep?.(START_STEPS[index], index, START_STEPS.length);
    step(0);
    if (entry.server?.alive) await entry.server.stop(this.graceMs(entry.server));
    const script = this.options.runtimeScript ?? findServingRuntime();
    const { config, specPath } = await resolveRuntimeConfigDetailed(key, options.specPath);

    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 0;
    if (port > 0) {
      const other = [...this.entries.values()].find((e) => e !== entry && e.server?.alive && e.server.port === port);
      if (other?.server) throw portInUseError(port, host, path.basename(other.server.config.model.path));
      if (!(await portIsFree(port, host))) throw portInUseError(port, host);
    }

    const id = `${config.model.name}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    const folder = path.join(this.options.dataDir, 'serve', id);
    const configPath = path.join(folder, 'config.json');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);

    const server = new LocalServer(id, config, specPath, configPath, entry.logs);
    entry.server = server;
    step(1);
    await server.launch({
      script,
      configPath,
      host,
      port,
      timeoutMs: this.options.startTimeoutMs ?? 120_000,
      signal: options.signal,
      onStep: (what) => { if (what === 'listening') step(2); },
    });
    return server.status();
  }

  async stop(modelPath: string): Promise<ServerStatus> {
    const key = path.resolve(modelPath);
    const server = this.entries.get(key)?.server;
    if (!server) throw notServed(key);
    await server.stop(this.graceMs(server));
    return server.status();
  }

  list(modelPath?: string): ServerStatus[] {
    if (modelPath) {
      const server = this.entries.get(path.resolve(modelPath))?.server;
      return server ? [server.status()] : [];
    }
    return [...this.entries.values()].flatMap((e) => (e.server ? [e.server.status()] : []));
  }

  logs(modelPath: string, afterSeq = 0, limit = 500): { lines: LogLine[]; nextSeq: number; dropped: number } {
    const entry = this.entries.get(path.resolve(modelPath));
    if (!entry) return { lines: [], nextSeq: afterSeq, dropped: 0 };
    return entry.logs.after(afterSeq, limit);
  }

  /** Scrapes /metrics (at most about once a second, however many windows poll) and returns the summary and history. */
  async metrics(modelPath: string): Promise<ServeMetricsResponse> {
    const server = this.entries.get(path.resolve(modelPath))?.server;
    if (!server) return { state: 'stopped', latest: null, history: [], note: 'The server has not been started.' };
    const tracker = server.metrics;
    if (server.state !== 'ready' || !server.url) {
      return { state: server.state, latest: tracker.latest, history: tracker.history, note: `The server is ${server.state}.` };
    }
    const last = tracker.lastScrapeMs;
    if (last !== null && Date.now() - last < METRICS_MIN_INTERVAL_MS) {
      return { state: server.state, latest: tracker.latest, history: tracker.history, note: null };
    }
    try {
      const response = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      tracker.add(await response.text());
      return { state: server.state, latest: tracker.latest, history: tracker.history, note: null };
    } catch (error) {
      return { state: server.state, latest: tracker.latest, history: tracker.history, note: `Could not read /metrics (${(error as Error).message}).` };
    }
  }

  /** The request a client would send for this model, addressed to its server (or where it will listen). */
  async example(modelPath: string, protocol: TryProtocol, inputs: IoMeta[], body?: string, image?: TryImage): Promise<TryExample> {
    const server = this.entries.get(path.resolve(modelPath))?.server;
    const live = server?.url && (server.state === 'ready' || server.state === 'starting');
    const { target, specInputs } = live
      ? { target: { baseUrl: server.url!, modelName: server.config.model.name }, specInputs: server.config.inputs }
      : await this.plannedTarget(modelPath);
    const photo = photoInputsFor(inputs, specInputs);
    return image ? imageExampleFor(protocol, imageToSend(image, inputs), target, photo) : exampleFor(protocol, inputs, target, body, photo);
  }

  async try(modelPath: string, protocol: TryProtocol, body: string | undefined, inputs: IoMeta[], image?: TryImage): Promise<ServeTryResponse> {
    const key = path.resolve(modelPath);
    const server = this.entries.get(key)?.server;
    if (!server || server.state !== 'ready' || !server.url) throw notServed(key, server?.state);
    const target = { baseUrl: server.url, modelName: server.config.model.name };
    const prepared = image ? prepareImageRequest(protocol, imageToSend(image, inputs), target) : prepareRequest(protocol, body ?? sampleBody(protocol, inputs), target);
    return sendTry(protocol, prepared, server.config.labels);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.entries.values()].map((e) => (e.server ? e.server.stop(this.graceMs(e.server)) : undefined)));
    LIVE.delete(this);
    if (LIVE.size === 0) process.off('exit', killAllNow);
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { logs: new LogBuffer(2000), server: null, starting: null };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** The runtime drains for its configured grace period; a little more before SIGKILL. */
  private graceMs(server: LocalServer): number {
    return Math.round(server.config.serving.gracePeriodSeconds * 1000) + 3000;
  }

  /** Before a start: where `modeldock serve MODEL` would listen (the spec's port, 8080 by default), and its inputs' settings. */
  private async plannedTarget(modelPath: string): Promise<{ target: { baseUrl: string; modelName: string }; specInputs: RuntimeConfig['inputs'] }> {
    const { config } = await resolveRuntimeConfigDetailed(modelPath);
    return { target: { baseUrl: `http://127.0.0.1:${config.serving.port}`, modelName: config.model.name }, specInputs: config.inputs };
  }

}

function notServed(modelPath: string, state?: string): ModelDockError {
  return new ModelDockError({
    code: 'serve-not-running',
    title: 'The model is not being served',
    message: state
      ? `The local server for ${path.basename(modelPath)} is ${state}, not ready.`
      : `No local server was started for ${path.basename(modelPath)}.`,
    fix: 'Start the server first (Run step, or `modeldock serve MODEL`).',
  });
}
