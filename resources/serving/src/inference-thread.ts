import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { createServingSession, runBatch, sessionIo, tensorFetches } from './ort-session';
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


async function load(): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    session = await createServingSession(init.modelPath, init.intraOpThreads);
  } catch (error) {
    post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const io = sessionIo(session);
  fetches = tensorFetches(io);
  post({ type: 'loaded', io, loadMs: Number(process.hrtime.bigint() - started) / 1e6 });
}

async function run(message: Extract<ToThread, { type: 'run' }>): Promise<void> {
  if (!session) {
    post({ type: 'failed', id: message.id, message: 'The model is not loaded.' });
    return;
  }
  try {
    const { outputs, ms } = await runBatch(session, message.feeds, fetches);
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
// The pool may queue one batch behind the running one (run-ahead): runs are chained, so they go in arrival order,
// one at a time, and close() waits for the last.
port.on('message', (message: ToThread) => {
  if (message.type === 'close') {
    closing ??= close();
    return;
  }
  if (closing) {
    post({ type: 'failed', id: message.id, message: 'The server is shutting down.' });
    return;
  }
  current = current.then(() => run(message));
});
