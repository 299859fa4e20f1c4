import * as ort from 'onnxruntime-node';
import type { ElementType } from '../../../shared/schemas/tensor';
import type { HostTensor } from '../../../main/inference/host-tensor';
import { hostToOrt, ortToHost } from '../../../main/inference/ort-tensors';
import type { IoMeta, ModelIo } from '../../../main/inference/worker-protocol';

/** One ONNX Runtime session as the server uses it, in an inference thread or on the server thread. */

export function createServingSession(modelPath: string, intraOpThreads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // Idle ORT threads spin-wait by default; on a small CPU budget that steals time from the HTTP thread.
    extra: { session: { intra_op: { allow_spinning: process.env.MODELDOCK_ORT_SPIN === '1' ? '1' : '0' } } },
  });
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
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const t of feeds) ortFeeds[t.name] = hostToOrt(t);
  const started = process.hrtime.bigint();
  const result = await session.run(ortFeeds, fetches);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { outputs: fetches.filter((n) => result[n]).map((n) => ortToHost(n, result[n] as ort.Tensor)), ms };
}
