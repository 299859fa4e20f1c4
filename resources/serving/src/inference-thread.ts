import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ElementType } from '../../../shared/schemas/tensor';
import type { HostTensor } from '../../../main/inference/host-tensor';
import { hostToOrt, ortToHost } from '../../../main/inference/ort-tensors';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { transferList, type FromThread, type ThreadInit, type ToThread } from './thread-protocol';

/**
 * One inference thread: owns one ONNX Runtime session and runs one batch at a time. session.run() blocks this
 * thread, not the server's event loop, so health checks and metrics answer while the model computes.
 */
ort.env.logLevel = 'error';

const init = workerData as ThreadInit;
const port = parentPort!;
let session: ort.InferenceSession | null = null;
let fetches: string[] = [];

function post(message: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function toIoMeta(m: ort.InferenceSession.ValueMetadata): IoMeta {
  if (!m.isTensor) return { name: m.name, isTensor: false, elementType: null, dims: [] };
  return { name: m.name, isTensor: true, elementType: m.type as ElementType, dims: m.shape.map((d) => (typeof d === 'number' ? (d < 0 ? null : d) : d === '' ? null : d)) };
}

async function load(): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    session = await ort.InferenceSession.create(init.modelPath, {
      intraOpNumThreads: init.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // Idle ORT threads spin-wait by default; on a small CPU budget that steals time from the HTTP thread.
      extra: { session: { intra_op: { allow_spinning: process.env.MODELDOCK_ORT_SPIN === '1' ? '1' : '0' } } },
    });
  } catch (error) {
    post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const io = { inputs: session.inputMetadata.map(toIoMeta), outputs: session.outputMetadata.map(toIoMeta) };
  // Sequences and maps cannot come back through onnxruntime-node: fetch only tensor outputs.
  fetches = io.outputs.filter((o) => o.isTensor).map((o) => o.name);
  post({ type: 'loaded', io, loadMs: Number(process.hrtime.bigint() - started) / 1e6 });
}

async function run(message: Extract<ToThread, { type: 'run' }>): Promise<void> {
  if (!session) {
    post({ type: 'failed', id: message.id, message: 'The model is not loaded.' });
    return;
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of message.feeds) feeds[t.name] = hostToOrt(t);
    const started = process.hrtime.bigint();
    const result = await session.run(feeds, fetches);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const outputs: HostTensor[] = fetches.filter((n) => result[n]).map((n) => ortToHost(n, result[n] as ort.Tensor));
    post({ type: 'result', id: message.id, outputs, ms }, transferList(outputs));
  } catch (error) {
    post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Ends the thread cleanly: the session is released before the thread goes, because tearing a worker down with a
 * live session makes onnxruntime-node throw from a destructor (the process then aborts, exit 134). A run still
 * in progress finishes first (messages are handled in order and run() is awaited here).
 */
let closing: Promise<void> | null = null;
let current: Promise<void> = Promise.resolve();

async function close(): Promise<void> {
  await loading;
  await current;
  const s = session;
  session = null;
  try {
    await s?.release();
  } catch {
    // Nothing useful to say: the thread is going away either way.
  }
  port.close();
}

const loading = load();
// Runs are serialised by the pool (one batch per thread at a time), so plain arrival order is enough here.
port.on('message', (message: ToThread) => {
  if (message.type === 'close') {
    closing ??= close();
    return;
  }
  if (closing) {
    post({ type: 'failed', id: message.id, message: 'The server is shutting down.' });
    return;
  }
  current = run(message);
});
