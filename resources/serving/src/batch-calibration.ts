import { copyFeeds, type HostTensor } from '../../../main/inference/host-tensor';
import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { errorText } from './log';

/**
 * Decides at warm-up whether dynamic batching pays for this model on this machine. Batching helps when a run of
 * several rows costs much less per row than a run of one (small models: the per-call overhead dominates). A model
 * that already keeps every core busy on one row gains nothing, and then waiting for company only adds latency and
 * makes requests wait behind each other's batches. So: time runs of 1 row and of min(8, maxBatchSize) rows; if
 * rows per second improve by less than MIN_GAIN, serve with an effective maxBatchSize of 1. Timed as session.run in
 * the thread, without the hand-off to it: the hand-off of a lone run read 0.1 to 0.8 ms from one start of the server
 * to the next, and on the benchmark's CNN (4.3 ms a row, 6-13% slower per row in batches) that noise turned batching
 * on by chance, costing 15% of its throughput. Short models, where the hand-off is a real share, run ahead instead
 * (inference-placement.ts). The 1-row side is that many 1-row runs back to back, as an unbatched server runs them.
 * MIN_GAIN is 20%: the calibration itself reads a few percent apart from one start to the next (the benchmark's
 * 5 ms CNN read +8%, +10% and +12% on three starts), so a threshold near 10% made the same model batch or not by
 * chance; and a gain that small does not pay for requests finishing only when their whole batch does.
 */
export interface BatchingDecision {
  /** maxBatchSize from the config / environment. */
  configured: number;
  /** What the scheduler uses. */
  effective: number;
  /** Why, in a few words (with the measured rates when calibrated). */
  reason: string;
}

export interface CalibrationRunner {
  /** `ms`: the time inside session.run. */
  run(feeds: HostTensor[]): Promise<{ ms: number }>;
}

const MIN_GAIN = 0.2;
const PROBE_ROWS = 8;
const MAX_REPEATS = 5;
/** Calibration delays readiness: stop repeating once this much time went into it (after at least one round). */
const TIME_BUDGET_MS = 1000;

export async function calibrateBatching(pool: CalibrationRunner, inputs: IoMeta[], batchable: boolean, configured: number): Promise<BatchingDecision> {
  if (!batchable) return { configured, effective: configured, reason: 'the model has no shared dynamic batch axis' };
  const rows = Math.min(PROBE_ROWS, configured);
  if (rows < 2) return { configured, effective: configured, reason: 'batching is off in the configuration' };
  let best1 = Infinity;
  let bestN = Infinity;
  const started = performance.now();
  try {
    const one = makeSampleInputs(inputs, 'sample', 1, { firstDim: 1 });
    const many = makeSampleInputs(inputs, 'sample', 1, { firstDim: rows });
    for (let i = 0; i < MAX_REPEATS; i++) {
      // Alternating the sizes spreads any interference from other processes over both.
      let sequence = 0;
      for (let r = 0; r < rows; r++) sequence += await timeRun(pool, one);
      best1 = Math.min(best1, sequence / rows);
      bestN = Math.min(bestN, await timeRun(pool, many));
      if (performance.now() - started > TIME_BUDGET_MS) break;
    }
  } catch (error) {
    return { configured, effective: configured, reason: `calibration failed (${errorText(error)}); keeping the configured size` };
  }
  const rate1 = 1000 / best1;
  const rateN = (rows * 1000) / bestN;
  const gain = rateN / rate1 - 1;
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  const measured = `${rows} rows per run gave ${count(rateN)} rows/s vs ${count(rate1)} for 1 row (${gain >= 0 ? '+' : ''}${Math.round(gain * 100)}%)`;
  if (gain < MIN_GAIN) return { configured, effective: 1, reason: `${measured}: less than +${MIN_GAIN * 100}%, so batching is off` };
  return { configured, effective: configured, reason: measured };
}

/** session.run time of one run with its own copy of the feeds (run() transfers their buffers away). */
async function timeRun(pool: CalibrationRunner, feeds: HostTensor[]): Promise<number> {
  return (await pool.run(copyFeeds(feeds))).ms;
}
