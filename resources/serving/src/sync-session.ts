import * as ort from 'onnxruntime-node';
import { servingSessionOptions } from './ort-session';

/**
 * onnxruntime-node's native session, called synchronously: the public InferenceSession.run defers every call to a
 * setImmediate and wraps it in two promise layers. For a model small enough to run on the server thread (see
 * inline-runner.ts) that deferral decides when a batch is formed: the scheduler can take the batch at the end of
 * the event-loop turn, once every request that arrived in it is queued, and run it at once.
 * The binding is an internal of onnxruntime-node (dist/binding.js: initOrt, binding.InferenceSession with
 * loadModel and run), so it is checked before use; null means "not available", and the caller keeps to the public API.
 */
export interface SyncSession {
  run(feeds: Record<string, ort.Tensor>, fetches: string[]): Record<string, ort.Tensor>;
  release(): void;
}

interface NativeSession {
  loadModel(path: string, options: object): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, null>, options: object): Record<string, unknown>;
  dispose?(): void;
}

interface BindingModule {
  initOrt?: () => void;
  binding?: { InferenceSession?: new () => NativeSession };
}

function loadBinding(): BindingModule | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('onnxruntime-node/dist/binding') as BindingModule;
  } catch {
    return null;
  }
}

export function openSyncSession(modelPath: string): SyncSession | null {
  if (process.env.MODELDOCK_ORT_SYNC === '0') return null;
  const mod = loadBinding();
  const Native = mod?.binding?.InferenceSession;
  if (!mod || typeof mod.initOrt !== 'function' || typeof Native !== 'function') return null;
  if (typeof Native.prototype.loadModel !== 'function' || typeof Native.prototype.run !== 'function') return null;
  try {
    mod.initOrt();
    const native = new Native();
    native.loadModel(modelPath, servingSessionOptions(1));
    // The binding takes the outputs to fetch as an object; a runner asks for the same list every run.
    let lastFetches: string[] | null = null;
    let wanted: Record<string, null> = {};
    return {
      run(feeds, fetches) {
        if (fetches !== lastFetches) {
          wanted = {};
          for (const name of fetches) wanted[name] = null;
          lastFetches = fetches;
        }
        const raw = native.run(feeds, wanted, {});
        const out: Record<string, ort.Tensor> = {};
        for (const name of fetches) {
          const value = raw[name];
          if (value === undefined) continue;
          // The binding builds ort.Tensor objects itself (initOrt hands it the class); anything else is not what we know.
          if (!(value instanceof ort.Tensor)) throw new Error(`ONNX Runtime returned output "${name}" in a form this runtime does not know.`);
          out[name] = value;
        }
        return out;
      },
      release() {
        native.dispose?.();
      },
    };
  } catch {
    return null;
  }
}
