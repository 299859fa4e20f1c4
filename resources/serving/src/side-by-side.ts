import * as fs from 'node:fs';
import { copyFeeds } from '../../../main/inference/host-tensor';
import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { errorText } from './log';
import type { WorkerPool } from './worker-pool';

/**
 * Whether, under load, one-thread sessions should run side by side (WorkerPool.addNarrow) instead of every request
 * queueing for the one session that has all the threads. Decided at warm-up by measuring both on this machine:
 * a model whose layers split well over threads keeps one wide session; one whose threads wait on each other (or
 * on the HTTP thread preempting one of them) finishes more requests side by side. On 2 CPUs the benchmark's CNN
 * (V2 binary, A/B of two builds) did 1-4% more images per second side by side at 16 connections and 12-16% more at
 * 64, and its 886 KB V2 JSON requests 2-9% more. A lone request still gets the wide session, so latency at low load
 * does not change.
 *
 * Only for models that do not batch (batching already keeps a wide session busy with whole batches), that run in
 * inference threads without run-ahead, and whose extra copies fit in memory.
 */
export interface SideBySide {
  /** The narrow threads were kept. */
  adopted: boolean;
  /** How many narrow threads were measured. */
  workers: number;
  reason: string;
}

export interface SideBySideOptions {
  /** The thread budget, all of it in the one wide session now. */
  budget: number;
  /** The wide session's 1-row run time, measured at warm-up. */
  runMs: number;
  modelBytes: number;
  rssBytes: number;
  /** The container's memory limit; null when there is none (a laptop, a VM). */
  limitBytes: number | null;
  /** Memory the machine has free: without a container limit, the copies must stay well inside it. */
  freeBytes: number;
  /** The process's resident memory now (tests give their own). */
  readRss?: () => number;
}

/**
 * Kept unless side by side is clearly slower when measured alone. Alone it read -5% to +11% for the benchmark's CNN
 * from one start to the next (a threshold of -5% dropped it on one start by chance), yet under load it was never
 * slower in median: what it saves is the wide session's threads waiting for each other when the HTTP thread preempts
 * one, which a measurement without requests does not see. What -15% still catches: a model whose copies fight for
 * memory bandwidth or cache, where two one-thread runs really are much slower than one run on both threads.
 */
export const MIN_GAIN = -0.15;
/** Each way is timed for this long (and at least MIN_RUNS runs), in two alternating halves. */
const MEASURE_MS = 400;
const MIN_RUNS = 3;
/** Past this a run is long enough that the threads' waits are a small share, and measuring would delay readiness. */
const MAX_RUN_MS = 50;
/** Before measuring: a session takes at least about twice its file (weights and prepacked copies); arenas come on top. */
const SESSION_BYTES_PER_MODEL_BYTE = 2;

/**
 * Past this many CPUs, a copy per CPU is more memory than side by side is worth (a 16-CPU laptop would hold the model
 * 17 times); it is for pods of 2 to 4 CPUs, where one stalled thread is a large share of the budget.
 */
export const MAX_SESSIONS = 4;
/** Without a container limit, the copies may take at most this share of the memory the machine has free. */
const FREE_SHARE = 0.5;

/** Why side by side is not measured (null: it should be); `budget` under 2 is not worth a word. */
export function sideBySideSkip(options: SideBySideOptions): string | null {
  if (options.budget > MAX_SESSIONS) return `${options.budget} CPUs: a copy of the model per CPU is more memory than it is worth past ${MAX_SESSIONS}`;
  if (options.runMs > MAX_RUN_MS) return `a run takes ${options.runMs.toFixed(0)} ms, over ${MAX_RUN_MS} ms: the threads' waits are a small share of it`;
  const extra = options.budget * SESSION_BYTES_PER_MODEL_BYTE * options.modelBytes;
  if (options.limitBytes !== null && options.rssBytes + extra > 0.8 * options.limitBytes) {
    return `${options.budget} more copies of the model (about ${mb(extra)}) would not fit the ${mb(options.limitBytes)} memory limit`;
  }
  if (options.limitBytes === null && extra > FREE_SHARE * options.freeBytes) {
    return `${options.budget} more copies of the model (about ${mb(extra)}) would take over half of the ${mb(options.freeBytes)} this machine has free`;
  }
  return null;
}

/** Null when there is nothing to decide (one CPU). */
export async function chooseSideBySide(pool: WorkerPool, inputs: IoMeta[], options: SideBySideOptions): Promise<SideBySide | null> {
  if (options.budget < 2) return null;
  const workers = options.budget;
  const skip = sideBySideSkip(options);
  if (skip) return { adopted: false, workers, reason: skip };
  const readRss = options.readRss ?? (() => process.memoryUsage.rss());
  const rssBefore = readRss();
  try {
    await pool.addNarrow(workers);
    const sample = makeSampleInputs(inputs, 'sample', 1, { firstDim: 1 });
    // First runs of a fresh session are slow (allocation, first-touch): one each before timing.
    await Promise.all(Array.from({ length: workers }, () => pool.run(copyFeeds(sample))));
    let wide = { runs: 0, ms: 0 };
    let narrow = { runs: 0, ms: 0 };
    for (let half = 0; half < 2; half++) {
      wide = add(wide, await timed(MEASURE_MS / 2, 1, () => pool.run(copyFeeds(sample), true)));
      narrow = add(narrow, await timed(MEASURE_MS / 2, workers, () => pool.run(copyFeeds(sample))));
    }
    const wideRate = (wide.runs / wide.ms) * 1000;
    const narrowRate = (narrow.runs / narrow.ms) * 1000;
    const gain = narrowRate / wideRate - 1;
    const measured = `${workers} one-thread sessions side by side gave ${Math.round(narrowRate).toLocaleString('en-US')} runs/s vs ${Math.round(wideRate).toLocaleString('en-US')} for the ${options.budget}-thread session (${gain >= 0 ? '+' : ''}${Math.round(gain * 100)}%)`;
    // What they really take once they have run (ONNX Runtime's arenas for the activations can outweigh the weights
    // many times: the benchmark's 3 MB CNN takes about 50 MB a session), checked against the limit.
    const rss = readRss();
    const cost = `they take ${mb(Math.max(0, rss - rssBefore))} more memory`;
    if (options.limitBytes !== null && rss > 0.8 * options.limitBytes) {
      await pool.dropNarrow();
      return { adopted: false, workers, reason: `${measured}, but ${cost}, which leaves under 20% of the ${mb(options.limitBytes)} memory limit: one session serves every request` };
    }
    if (options.limitBytes === null && rss - rssBefore > FREE_SHARE * options.freeBytes) {
      await pool.dropNarrow();
      return { adopted: false, workers, reason: `${measured}, but ${cost}, over half of the ${mb(options.freeBytes)} this machine had free: one session serves every request` };
    }
    if (gain >= MIN_GAIN) return { adopted: true, workers, reason: `${measured}; ${cost}` };
    await pool.dropNarrow();
    return { adopted: false, workers, reason: `${measured}: more than ${Math.round(-MIN_GAIN * 100)}% slower, so one session serves every request` };
  } catch (error) {
    await pool.dropNarrow().catch(() => undefined);
    return { adopted: false, workers, reason: `measuring failed (${errorText(error)}); one session serves every request` };
  }
}

/** Runs `loops` copies of `run` back to back each, for at least `ms` and MIN_RUNS runs a loop. */
async function timed(ms: number, loops: number, run: () => Promise<unknown>): Promise<{ runs: number; ms: number }> {
  const started = performance.now();
  let runs = 0;
  await Promise.all(Array.from({ length: loops }, async () => {
    for (let i = 0; i < MIN_RUNS || performance.now() - started < ms; i++) {
      await run();
      runs++;
    }
  }));
  return { runs, ms: performance.now() - started };
}

function add(a: { runs: number; ms: number }, b: { runs: number; ms: number }): { runs: number; ms: number } {
  return { runs: a.runs + b.runs, ms: a.ms + b.ms };
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** The model file's size, for the memory estimate (0 when it cannot be read: the limit check then passes). */
export function modelFileBytes(modelPath: string): number {
  try {
    return fs.statSync(modelPath).size;
  } catch {
    return 0;
  }
}

