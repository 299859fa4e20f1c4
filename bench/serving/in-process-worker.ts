/**
 * One in-process inference loop in a worker thread: load the session, say "loaded", wait for "go", then run the
 * same input back to back for a fixed time (and at most maxRuns) and report runs, items and latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

export interface LoopJob {
  modelPath: string;
  inputName: string;
  /** One row's dims without the batch axis, e.g. [4] or [3,224,224]. */
  rowDims: number[];
  row: Float32Array;
  batch: number;
  threads: number;
  /** ONNX Runtime's intra-op spin-waiting (its default is on; the runtime turns it off). */
  spin: boolean;
  seconds: number;
  maxRuns: number;
}

export interface LoopResult {
  runs: number;
  items: number;
  seconds: number;
  latenciesMs: number[];
}

async function main(): Promise<void> {
  const job = workerData as LoopJob;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(job.modelPath, {
    intraOpNumThreads: job.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: job.spin ? '1' : '0' } } },
  });
  const data = new Float32Array(job.row.length * job.batch);
  for (let b = 0; b < job.batch; b++) data.set(job.row, b * job.row.length);
  const dims = [job.batch, ...job.rowDims];
  // Warm-up: 20 runs or 300 ms, whichever comes first (a batch-64 CNN run takes ~0.3 s), but at least 2.
  const warmEnd = performance.now() + 300;
  for (let i = 0; i < 20 && (i < 2 || performance.now() < warmEnd); i++) await session.run({ [job.inputName]: new ort.Tensor('float32', data, dims) });
  parentPort!.postMessage({ type: 'loaded' });
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + job.seconds * 1000;
  let runs = 0;
  while (runs < job.maxRuns && performance.now() < end) {
    const t = performance.now();
    // A fresh Tensor per call, as a server builds one per request.
    await session.run({ [job.inputName]: new ort.Tensor('float32', data, dims) });
    latenciesMs.push(performance.now() - t);
    runs++;
  }
  const result: LoopResult = { runs, items: runs * job.batch, seconds: (performance.now() - start) / 1000, latenciesMs };
  await session.release();
  parentPort!.postMessage({ type: 'done', result });
}

void main();
