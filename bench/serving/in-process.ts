/**
 * The in-process limit: session.run rates with no HTTP at all, in worker threads of this process.
 *   sequential      one session with the runtime's thread budget, batch 1, back to back (the concurrency-1 limit)
 *   parallel        one 1-thread session per CPU, batch 1, all at once
 *   batch N         one session with the thread budget, N rows per run (what dynamic batching can reach)
 *   no spin         as sequential with ONNX Runtime's spin-waiting off (the runtime's setting), for comparison only
 * For concurrency N the limit is the best of these that a server with N requests in flight could use.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from '../../main/inference/latency-stats';
import { median } from '../stats';
import { foreignShare, noteShare, sampleCpu, waitForQuiet } from './cpu-share';
import type { LoopJob, LoopResult } from './in-process-worker';

export interface LoopConfig {
  name: string;
  workers: number;
  threads: number;
  batch: number;
  spin: boolean;
  /** Shown for comparison, never taken as the limit. */
  infoOnly?: boolean;
}

export interface LoopMeasure extends LoopConfig {
  /** Items (rows, images) per second, all workers together; median over repeats. */
  itemsPerSecond: number;
  runsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the machine other processes used meanwhile (see cpu-share.ts). */
  foreignCpu: number;
}

export interface InProcessResult {
  configs: LoopMeasure[];
  /** Best items/s usable at each concurrency, with the config that gave it. */
  limitByConcurrency: Record<number, { itemsPerSecond: number; config: string; p50Ms: number; p99Ms: number }>;
}

const tsxApi = require.resolve('tsx/cjs/api');
const workerFile = path.join(__dirname, 'in-process-worker.ts');

function startLoop(job: LoopJob): { worker: Worker; loaded: Promise<void>; done: Promise<LoopResult> } {
  // An eval'd bootstrap registers tsx inside the worker, so the worker file stays TypeScript.
  const worker = new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(workerFile)});`, { eval: true, workerData: job });
  let onLoaded!: () => void;
  let onDone!: (r: LoopResult) => void;
  let onError!: (e: Error) => void;
  const loaded = new Promise<void>((resolve, reject) => { onLoaded = resolve; onError = reject; });
  const done = new Promise<LoopResult>((resolve, reject) => {
    onDone = resolve;
    worker.once('error', reject);
  });
  worker.on('message', (m: { type: string; result?: LoopResult }) => {
    if (m.type === 'loaded') onLoaded();
    else if (m.type === 'done' && m.result) onDone(m.result);
  });
  worker.once('error', (e) => onError(e));
  return { worker, loaded, done };
}

export async function measureOnce(config: LoopConfig, base: Omit<LoopJob, 'batch' | 'threads' | 'spin'>): Promise<LoopMeasure> {
  const loops = Array.from({ length: config.workers }, () => startLoop({ ...base, batch: config.batch, threads: config.threads, spin: config.spin }));
  try {
    await Promise.all(loops.map((l) => l.loaded));
    await waitForQuiet();
    const before = sampleCpu();
    for (const l of loops) l.worker.postMessage('go');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`in-process loop ${config.name} did not finish`)), (base.seconds + 30) * 1000).unref());
    const results = await Promise.race([Promise.all(loops.map((l) => l.done)), timeout]);
    const foreignCpu = foreignShare(before, sampleCpu());
    noteShare(foreignCpu);
    const seconds = Math.max(...results.map((r) => r.seconds));
    const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    return {
      ...config,
      itemsPerSecond: results.reduce((s, r) => s + r.items, 0) / seconds,
      runsPerSecond: results.reduce((s, r) => s + r.runs, 0) / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      foreignCpu,
    };
  } finally {
    await Promise.all(loops.map((l) => l.worker.terminate()));
  }
}

/** The configurations a server with `concurrency` requests in flight could use (the limit is the best of them). */
export function limitConfigs(concurrency: number, threads: number, cpus: number): LoopConfig[] {
  const configs: LoopConfig[] = [{ name: 'sequential', workers: 1, threads, batch: 1, spin: true }];
  if (concurrency > 1 && cpus > 1) configs.push({ name: `parallel ${cpus}x1 thread`, workers: cpus, threads: 1, batch: 1, spin: true });
  if (concurrency > 1) configs.push({ name: `batch ${concurrency}`, workers: 1, threads, batch: concurrency, spin: true });
  return configs;
}

export async function measureInProcess(options: {
  modelPath: string; inputName: string; rowDims: number[]; row: Float32Array; threads: number; cpus: number;
  concurrencies: number[]; repeats: number; seconds: number;
}): Promise<InProcessResult> {
  const configs: LoopConfig[] = limitConfigs(1, options.threads, options.cpus);
  if (options.cpus > 1) configs.push({ name: `parallel ${options.cpus}x1 thread`, workers: options.cpus, threads: 1, batch: 1, spin: true });
  for (const c of options.concurrencies) if (c > 1) configs.push({ name: `batch ${c}`, workers: 1, threads: options.threads, batch: c, spin: true });
  configs.push({ name: 'sequential, spin-wait off', workers: 1, threads: options.threads, batch: 1, spin: false, infoOnly: true });
  const base = { modelPath: options.modelPath, inputName: options.inputName, rowDims: options.rowDims, row: options.row, seconds: options.seconds, maxRuns: 2_000_000 };
  const measured: LoopMeasure[] = [];
  for (const config of configs) {
    const repeats: LoopMeasure[] = [];
    for (let i = 0; i < options.repeats; i++) repeats.push(await measureOnce(config, base));
    const mid = [...repeats].sort((a, b) => a.itemsPerSecond - b.itemsPerSecond)[repeats.length >> 1];
    measured.push({
      ...mid,
      itemsPerSecond: median(repeats.map((r) => r.itemsPerSecond)),
      runsPerSecond: median(repeats.map((r) => r.runsPerSecond)),
      foreignCpu: median(repeats.map((r) => r.foreignCpu)),
    });
  }
  const limitByConcurrency: InProcessResult['limitByConcurrency'] = {};
  for (const c of options.concurrencies) {
    const usable = measured.filter((m) => !m.infoOnly && (c === 1 ? m.name === 'sequential' : m.batch === 1 || m.batch === c));
    const best = usable.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));
    limitByConcurrency[c] = { itemsPerSecond: best.itemsPerSecond, config: best.name, p50Ms: best.p50Ms, p99Ms: best.p99Ms };
  }
  return { configs: measured, limitByConcurrency };
}
