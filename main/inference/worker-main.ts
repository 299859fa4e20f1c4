import * as ort from 'onnxruntime-node';
import { hostToOrt, ortToHost } from './ort-tensors';
import { SessionCache } from './session-cache';
import type { HostTensor } from './host-tensor';
import type { RunResult, RunSpec, WorkerFailure, WorkerRequest, WorkerResponse } from './worker-protocol';

/**
 * The inference worker: a child process that owns every ONNX Runtime session, so a model that crashes ONNX Runtime
 * natively takes down only this process. The engine (inference-service.ts) restarts it on the next call.
 */
ort.env.logLevel = 'error';
// onnxruntime-node has no telemetry switch (ETW telemetry exists only in Windows builds of the C library and is
// off unless a trace session enables it), so there is nothing to turn off here.

const sessions = new SessionCache();
const cancelled = new Set<number>();
const PROGRESS_INTERVAL_MS = 100;

function send(message: WorkerResponse): void {
  process.send?.(message);
}

class StageError extends Error {
  constructor(readonly stage: WorkerFailure['stage'], message: string) {
    super(message);
  }
}

async function load(modelPath: string, settings: { intraOpNumThreads?: number }) {
  try {
    return await sessions.get(modelPath, settings);
  } catch (error) {
    throw new StageError('load', error instanceof Error ? error.message : String(error));
  }
}

async function run(id: number, modelPath: string, settings: { intraOpNumThreads?: number }, spec: RunSpec): Promise<RunResult> {
  const { session, io, createMs } = await load(modelPath, settings);
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of spec.feeds) feeds[t.name] = hostToOrt(t);
  // Sequences and maps cannot be returned through onnxruntime-node: fetch only tensor outputs.
  const fetches = io.outputs.filter((o) => o.isTensor).map((o) => o.name);
  const warmupMs: number[] = [];
  const timingsMs: number[] = [];
  let outputs: HostTensor[] = [];
  let lastProgress = 0;
  const total = spec.warmup + spec.repeat;

  const once = async (): Promise<{ ms: number; result: ort.InferenceSession.OnnxValueMapType }> => {
    const started = process.hrtime.bigint();
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await session.run(feeds, fetches);
    } catch (error) {
      throw new StageError('run', error instanceof Error ? error.message : String(error));
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
  };
  const report = (phase: 'warmup' | 'measure', force: boolean): void => {
    if (!spec.progress) return;
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    send({ id, type: 'progress', phase, done: warmupMs.length + timingsMs.length, total });
  };

  for (let i = 0; i < spec.warmup && !cancelled.has(id); i++) {
    const { ms, result } = await once();
    disposeAll(result);
    warmupMs.push(ms);
    report('warmup', i === spec.warmup - 1);
  }
  for (let i = 0; i < spec.repeat && !cancelled.has(id); i++) {
    const { ms, result } = await once();
    timingsMs.push(ms);
    if (i === 0 && spec.keepOutputs) outputs = fetches.filter((n) => result[n]).map((n) => ortToHost(n, result[n] as ort.Tensor));
    else disposeAll(result);
    report('measure', i === spec.repeat - 1);
  }
  return { io, sessionCreateMs: createMs, outputs, timingsMs, warmupMs, cancelled: cancelled.has(id) };
}

function disposeAll(result: ort.InferenceSession.OnnxValueMapType): void {
  for (const value of Object.values(result)) {
    try { (value as ort.Tensor).dispose?.(); } catch { /* nothing to free */ }
  }
}

async function handle(message: WorkerRequest): Promise<void> {
  if (message.type === 'cancel') {
    cancelled.add(message.target);
    return;
  }
  if (message.type === 'test-crash') {
    if (process.env.MODELDOCK_TEST_HOOKS !== '1') {
      send({ id: message.id, type: 'error', error: { stage: 'request', message: 'Test hooks are disabled.' } });
      return;
    }
    if (message.how === 'abort') process.abort();
    process.exit(70);
  }
  try {
    let value: unknown;
    if (message.type === 'describe') {
      const { io, createMs } = await load(message.modelPath, message.settings);
      value = { io, sessionCreateMs: createMs };
    } else if (message.type === 'run') {
      value = await run(message.id, message.modelPath, message.settings, message.run);
    } else if (message.type === 'release') {
      await sessions.release(message.modelPath);
      value = null;
    } else {
      throw new StageError('request', `Unknown request ${(message as { type: string }).type}.`);
    }
    send({ id: message.id, type: 'result', value });
  } catch (error) {
    const failure: WorkerFailure = error instanceof StageError
      ? { stage: error.stage, message: error.message }
      : { stage: 'request', message: error instanceof Error ? error.message : String(error) };
    send({ id: message.id, type: 'error', error: failure });
  } finally {
    cancelled.delete(message.id);
  }
}

process.on('message', (message: WorkerRequest) => { void handle(message); });
// The engine went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
