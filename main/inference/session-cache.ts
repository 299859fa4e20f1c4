import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { ElementType } from '../../shared/schemas/tensor';
import type { IoMeta, ModelIo, SessionSettings } from './worker-protocol';

/**
 * ONNX Runtime sessions kept by the worker, keyed by model path, settings and the file's mtime and size so a
 * re-exported model is loaded afresh. A few sessions stay warm; the least recently used is released first.
 */
const MAX_SESSIONS = 4;

export interface LoadedSession {
  session: ort.InferenceSession;
  io: ModelIo;
  /** Set only on the call that created the session. */
  createMs: number | null;
}

interface Entry {
  key: string;
  modelPath: string;
  session: ort.InferenceSession;
  io: ModelIo;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  async get(modelPath: string, settings: SessionSettings): Promise<LoadedSession> {
    const stat = fs.statSync(modelPath);
    const settingsKey = `${settings.intraOpNumThreads ?? 0}`;
    const key = `${modelPath}\u0000${settingsKey}\u0000${stat.mtimeMs}\u0000${stat.size}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { session: hit.session, io: hit.io, createMs: null };
    }
    // A stale session of the same file and settings (the file changed) goes first.
    for (const entry of [...this.entries.values()]) {
      if (entry.modelPath === modelPath && entry.key.startsWith(`${modelPath}\u0000${settingsKey}\u0000`)) await this.drop(entry);
    }
    const started = process.hrtime.bigint();
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: settings.intraOpNumThreads ?? 0,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    const createMs = Number(process.hrtime.bigint() - started) / 1e6;
    const io: ModelIo = { inputs: session.inputMetadata.map(toIoMeta), outputs: session.outputMetadata.map(toIoMeta) };
    this.entries.set(key, { key, modelPath, session, io });
    while (this.entries.size > MAX_SESSIONS) await this.drop(this.entries.values().next().value as Entry);
    return { session, io, createMs };
  }

  async release(modelPath: string | null): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      if (modelPath === null || entry.modelPath === modelPath) await this.drop(entry);
    }
  }

  private async drop(entry: Entry): Promise<void> {
    this.entries.delete(entry.key);
    try { await entry.session.release(); } catch { /* already gone */ }
  }
}

function toIoMeta(m: ort.InferenceSession.ValueMetadata): IoMeta {
  if (!m.isTensor) return { name: m.name, isTensor: false, elementType: null, dims: [] };
  return {
    name: m.name,
    isTensor: true,
    elementType: m.type as ElementType,
    dims: m.shape.map((d) => (typeof d === 'number' ? d : d === '' ? null : d)),
  };
}
