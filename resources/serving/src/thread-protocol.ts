import type { HostTensor } from '../../../main/inference/host-tensor';
import type { ModelIo } from '../../../main/inference/worker-protocol';
import { isOwned } from './owned-buffers';

/**
 * Messages between the server (main thread) and an inference thread. Typed arrays cross with transfer lists, so a
 * batch's values move instead of being copied; string tensors are cloned.
 */
export interface ThreadInit {
  modelPath: string;
  intraOpThreads: number;
}

export type ToThread =
  | { type: 'run'; id: number; feeds: HostTensor[] }
  /** Release the session and end the thread (terminate() with a live session makes onnxruntime-node abort). */
  | { type: 'close' };

export type FromThread =
  | { type: 'loaded'; io: ModelIo; loadMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; outputs: HostTensor[]; ms: number }
  | { type: 'failed'; id: number; message: string };

/** The ArrayBuffers of these tensors, when they may be handed over (whole buffers the sender owns). */
export function transferList(tensors: HostTensor[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const t of tensors) {
    if (Array.isArray(t.data)) continue;
    const buffer = t.data.buffer;
    // A view into a shared or larger buffer (Node's pooled Buffers) must be cloned, never detached; a request body
    // the server read for this request alone (owned-buffers) may go whole.
    const whole = buffer instanceof ArrayBuffer && t.data.byteOffset === 0 && t.data.byteLength === buffer.byteLength;
    if (!whole && !isOwned(buffer)) continue;
    if (!list.includes(buffer)) list.push(buffer);
  }
  return list;
}
