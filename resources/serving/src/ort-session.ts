import * as ort from 'onnxruntime-node';
import type { ElementType } from '../../../shared/schemas/tensor';
import type { HostTensor } from '../../../main/inference/host-tensor';
import { hostToOrt, ortToHost } from '../../../main/inference/ort-tensors';
import type { IoMeta, ModelIo } from '../../../main/inference/worker-protocol';
import type { SyncSession } from './sync-session';

/** One ONNX Runtime session as the server uses it, in an inference thread or on the server thread. */

export function servingSessionOptions(intraOpThreads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // Idle ORT threads spin-wait by default; on a small CPU budget that steals time from the HTTP thread.
    extra: { session: { intra_op: { allow_spinning: process.env.MODELDOCK_ORT_SPIN === '1' ? '1' : '0' } } },
  };
}

export function createServingSession(modelPath: string, intraOpThreads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, servingSessionOptions(intraOpThreads));
}

function toIoMeta(m: ort.InferenceSession.ValueMetadata): IoMeta {
  if (!m.isTensor) return { name: m.name, isTensor: false, elementType: null, dims: [] };
  return { name: m.name, isTensor: true, elementType: m.type as ElementType, dims: m.shape.map((d) => (typeof d === 'number' ? (d < 0 ? null : d) : d === '' ? null : d)) };
}

export function sessionIo(session: ort.InferenceSession): ModelIo {
  return { inputs: session.inputMetadata.map(toIoMeta), outputs: session.outputMetadata.map(toIoMeta) };
}

/** Sequences and maps cannot come back through onnxruntime-node: fetch only tensor outputs. */
export function tensorFetches(io: ModelIo): string[] {
  return io.outputs.filter((o) => o.isTensor).map((o) => o.name);
}

/** Runs one batch; `ms` is the time inside session.run. */
export async function runBatch(session: ort.InferenceSession, feeds: HostTensor[], fetches: string[]): Promise<{ outputs: HostTensor[]; ms: number }> {
  const inputs = ortFeeds(feeds);
  const started = process.hrtime.bigint();
  const result = await session.run(inputs, fetches);
  return batchResult(result as Record<string, ort.Tensor>, fetches, started);
}

/** The same through the synchronous native session (sync-session.ts). */
export function runBatchSync(session: SyncSession, feeds: HostTensor[], fetches: string[]): { outputs: HostTensor[]; ms: number } {
  const inputs = ortFeeds(feeds);
  const started = process.hrtime.bigint();
  return batchResult(session.run(inputs, fetches), fetches, started);
}

function ortFeeds(feeds: HostTensor[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const t of feeds) out[t.name] = hostToOrt(t);
  return out;
}

function batchResult(result: Record<string, ort.Tensor>, fetches: string[], started: bigint): { outputs: HostTensor[]; ms: number } {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { outputs: fetches.filter((n) => result[n]).map((n) => ortToHost(n, result[n])), ms };
}
