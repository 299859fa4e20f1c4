import type { HostTensor } from '../../../main/inference/host-tensor';
import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { InlineRunner, INLINE_MAX_MS } from './inline-runner';
import { errorText } from './log';
import type { WorkerPool } from './worker-pool';

/**
 * Where batches run: the inference threads (the default), or the server thread for a model whose largest batch
 * runs in under INLINE_MAX_MS (see inline-runner.ts). Measured at warm-up in the thread, as session.run time.
 */
export interface Placement {
  inline: InlineRunner | null;
  /** For the "ready" log line. */
  reason: string;
}

export interface PlacementOptions {
  /** Rows of the largest batch the scheduler will form. */
  batchRows: number;
  /** MODELDOCK_WORKERS was set: the user asked for threads. */
  workersRequested: boolean;
  mode: 'auto' | 'threads';
}

const REPEATS = 5;

export async function chooseInferencePlacement(pool: WorkerPool, inputs: IoMeta[], modelPath: string, options: PlacementOptions): Promise<Placement> {
  if (options.mode === 'threads') return { inline: null, reason: 'inference threads (MODELDOCK_INFERENCE=threads)' };
  if (options.workersRequested) return { inline: null, reason: 'inference threads (MODELDOCK_WORKERS is set)' };
  let best = Infinity;
  try {
    const sample = makeSampleInputs(inputs, 'sample', 1, { firstDim: Math.max(1, options.batchRows) });
    for (let i = 0; i < REPEATS; i++) {
      const feeds: HostTensor[] = sample.map((t) => ({ ...t, data: Array.isArray(t.data) ? [...t.data] : t.data.slice() }));
      best = Math.min(best, (await pool.run(feeds)).ms);
    }
  } catch (error) {
    return { inline: null, reason: `inference threads (timing a ${options.batchRows}-row run failed: ${errorText(error)})` };
  }
  const measured = `a ${options.batchRows}-row run takes ${best.toFixed(3)} ms`;
  if (best > INLINE_MAX_MS) return { inline: null, reason: `inference threads (${measured})` };
  try {
    const inline = await InlineRunner.create(modelPath, pool.io);
    const call = inline.formsBatchAtTurnEnd ? 'ONNX Runtime called synchronously' : 'through the public session API (MODELDOCK_ORT_SYNC=0 or no native binding)';
    return { inline, reason: `server thread (${measured}, under ${INLINE_MAX_MS} ms: a hand-off to a thread would cost more; ${call})` };
  } catch (error) {
    return { inline: null, reason: `inference threads (a server-thread session failed: ${errorText(error)})` };
  }
}
