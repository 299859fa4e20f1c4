import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isModelDockError } from '../../shared/errors';
import type { BenchConfigResult, BenchProgress, BenchResult } from '../../shared/schemas/bench';
import { ORT_VERSION } from '../engine/versions';
import type { InferenceService } from './inference-service';
import { round, summarise } from './latency-stats';
import { makeSampleInputs } from './sample-inputs';

export const BENCH_FILE_NAME = 'modeldock.bench.json';
const PROGRESS_INTERVAL_MS = 100;

export interface BenchPlan {
  modelPath: string;
  batchSizes: number[];
  threads: number[];
  warmupRuns: number;
  runs: number;
  save: boolean;
  /** Results are written beside this spec file; beside the model when absent. */
  specPath?: string;
}

/**
 * Latency and throughput per (batch size x intra-op threads): each configuration gets its own session, warm-up runs,
 * then measured runs timed inside the worker. Cancelling keeps what was measured (cancelled: true).
 */
export async function runBenchmark(
  service: InferenceService, plan: BenchPlan, onProgress: (p: BenchProgress) => void, signal: AbortSignal,
): Promise<BenchResult> {
  const modelPath = path.resolve(plan.modelPath);
  const { io } = await service.describe(modelPath, { signal });
  const notes: string[] = [];
  const tensorInputs = io.inputs.filter((i) => i.isTensor);
  const fixedBatch = tensorInputs.length > 0 && tensorInputs.every((i) => typeof i.dims[0] === 'number') ? (tensorInputs[0].dims[0] as number) : null;
  let batchSizes = [...new Set(plan.batchSizes)];
  if (fixedBatch !== null) {
    if (batchSizes.some((b) => b !== fixedBatch)) {
      notes.push(`The model's batch size is fixed at ${fixedBatch}; other batch sizes (${batchSizes.filter((b) => b !== fixedBatch).join(', ')}) were skipped.`);
    }
    batchSizes = [fixedBatch];
  }
  const threads = [...new Set(plan.threads)];
  const perConfig = plan.warmupRuns + plan.runs;
  const total = batchSizes.length * threads.length * perConfig;
  const results: BenchConfigResult[] = [];
  let cancelled = false;
  let base = 0;
  let last = 0;
  let lastPhase = '';
  let lastDone = -1;
  const emit = (p: BenchProgress, force = false): void => {
    const now = Date.now();
    if (p.done === lastDone && p.phase === lastPhase) return;
    if (!force && p.phase === lastPhase && now - last < PROGRESS_INTERVAL_MS && p.done < p.total) return;
    last = now;
    lastPhase = p.phase;
    lastDone = p.done;
    onProgress(p);
  };

  outer: for (const batchSize of batchSizes) {
    for (const t of threads) {
      if (signal.aborted) { cancelled = true; break outer; }
      emit({ phase: 'loading', batchSize, threads: t, done: base, total }, true);
      const feeds = makeSampleInputs(io.inputs, 'sample', 1, { firstDim: batchSize });
      let timings: number[] = [];
      try {
        const result = await service.run(modelPath, feeds, {
          threads: t, warmup: plan.warmupRuns, repeat: plan.runs, keepOutputs: false, signal,
          onProgress: (p) => emit({ phase: p.phase, batchSize, threads: t, done: base + p.done, total }),
        });
        timings = result.timingsMs;
        if (result.cancelled) cancelled = true;
      } catch (error) {
        if (isModelDockError(error) && error.code === 'cancelled') cancelled = true;
        else throw error;
      }
      if (timings.length) {
        const s = summarise(timings);
        results.push({
          batchSize, threads: t, runs: timings.length,
          p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, mean: s.mean,
          throughput: s.p50 > 0 ? round(batchSize / (s.p50 / 1000)) : 0,
          samples: timings.map(round),
        });
      }
      base += perConfig;
      // Each configuration's session goes once measured, so memory stays flat across many configurations.
      await service.release(modelPath).catch(() => {});
      if (cancelled) break outer;
    }
  }
  if (!cancelled) emit({ phase: 'measure', batchSize: batchSizes[batchSizes.length - 1], threads: threads[threads.length - 1], done: total, total }, true);

  const result: BenchResult = {
    modelPath,
    createdAt: new Date().toISOString(),
    host: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${process.platform}-${process.arch}`, ortVersion: ORT_VERSION },
    results,
    cancelled,
    savedTo: null,
    notes,
  };
  if (plan.save && !cancelled && results.length) result.savedTo = saveBench(plan.specPath ? path.dirname(path.resolve(plan.specPath)) : path.dirname(modelPath), result);
  return result;
}

function saveBench(dir: string, result: BenchResult): string | null {
  const target = path.join(dir, BENCH_FILE_NAME);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify({ ...result, savedTo: target }, null, 2));
    fs.renameSync(tmp, target);
    return target;
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* nothing written */ }
    return null;
  }
}
