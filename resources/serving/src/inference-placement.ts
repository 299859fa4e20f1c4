import { copyFeeds } from '../../../main/inference/host-tensor';
import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { InlineRunner, INLINE_MAX_MS } from './inline-runner';
import { errorText } from './log';
import type { WorkerPool } from './worker-pool';

/**
 * Where batches run: the inference threads (the default), or the server thread for a model whose largest batch
 * runs in under INLINE_MAX_MS (see inline-runner.ts). Measured at warm-up in the thread, as session.run time.
 * In threads, a model whose largest batch runs in under RUN_AHEAD_MAX_MS also runs ahead (worker-pool.ts): a busy
 * thread holds the next batch, so it does not idle for the round trip through the server thread between runs.
 * Measured on 2 CPUs, a 0.29 ms model that cannot batch: +22% req/s at 16 and 64 connections. Longer runs keep one
 * batch per thread: the round trip is then a sliver of the run, and a batch still in the queue can be withdrawn when
 * its client hangs up, or go to whichever thread frees first.
 */
export interface Placement {
  inline: InlineRunner | null;
  /** Busy inference threads take the next batch ahead (never with inline). */
  runAhead: boolean;
  /** For the "ready" log line. */
  reason: string;
  /** The largest batch's session.run time in a thread (null when it could not be timed). */
  runMs: number | null;
}

export interface PlacementOptions {
  /** Rows of the largest batch the scheduler will form. */
  batchRows: number;
  /** MODELDOCK_WORKERS was set: the user asked for threads. */
  workersRequested: boolean;
  mode: 'auto' | 'threads';
}

export const RUN_AHEAD_MAX_MS = 2;
const REPEATS = 5;
/** Timing stops repeating past this (at least one run): a slow model should not hold readiness back for long. */
const TIMING_BUDGET_MS = 250;

export async function chooseInferencePlacement(pool: WorkerPool, inputs: IoMeta[], modelPath: string, options: PlacementOptions): Promise<Placement> {
  const rows = Math.max(1, options.batchRows);
  const timed = await timeLargestBatch(pool, inputs, rows);
  const threads = (why: string): Placement => {
    const runAhead = timed.ms !== null && timed.ms < RUN_AHEAD_MAX_MS;
    return { inline: null, runAhead, runMs: timed.ms, reason: `inference threads (${why}${runAhead ? `; under ${RUN_AHEAD_MAX_MS} ms, so a busy thread holds the next batch` : ''})` };
  };
  const measured = timed.ms === null ? `timing a ${rows}-row run failed: ${timed.error}` : `a ${rows}-row run takes ${timed.ms.toFixed(3)} ms`;
  if (options.mode === 'threads') return threads(`MODELDOCK_INFERENCE=threads; ${measured}`);
  if (options.workersRequested) return threads(`MODELDOCK_WORKERS is set; ${measured}`);
  if (timed.ms === null || timed.ms > INLINE_MAX_MS) return threads(measured);
  try {
    const inline = await InlineRunner.create(modelPath, pool.io);
    const call = inline.formsBatchAtTurnEnd ? 'ONNX Runtime called synchronously' : 'through the public session API (MODELDOCK_ORT_SYNC=0 or no native binding)';
    return { inline, runAhead: false, runMs: timed.ms, reason: `server thread (${measured}, under ${INLINE_MAX_MS} ms: a hand-off to a thread would cost more; ${call})` };
  } catch (error) {
    return threads(`${measured}; a server-thread session failed: ${errorText(error)}`);
  }
}

/** The best session.run time of the largest batch, in the thread; null (with why) when it cannot run. */
async function timeLargestBatch(pool: WorkerPool, inputs: IoMeta[], rows: number): Promise<{ ms: number; error?: undefined } | { ms: null; error: string }> {
  let best = Infinity;
  const started = performance.now();
  try {
    const sample = makeSampleInputs(inputs, 'sample', 1, { firstDim: rows });
    for (let i = 0; i < REPEATS; i++) {
      best = Math.min(best, (await pool.run(copyFeeds(sample))).ms);
      if (performance.now() - started > TIMING_BUDGET_MS) break;
    }
  } catch (error) {
    return { ms: null, error: errorText(error) };
  }
  return { ms: best };
}
