import type * as ort from 'onnxruntime-node';
import type { HostTensor } from '../../../main/inference/host-tensor';
import type { ModelIo } from '../../../main/inference/worker-protocol';
import { createServingSession, runBatch, runBatchSync, tensorFetches } from './ort-session';
import { openSyncSession, type SyncSession } from './sync-session';
import type { RunOutput } from './worker-pool';

/**
 * Inference on the server's own thread, for models so small that handing a batch to an inference thread costs
 * more than running it. The hand-off (two postMessage hops, ~50 µs on a small VM) is then most of a request's
 * time; a run of the largest batch measured under INLINE_MAX_MS at warm-up blocks the event loop for less than
 * a socket write does, so health checks and metrics stay as responsive as the thread design keeps them.
 * Only chosen after the model has loaded and run in an inference thread, so a model that would crash ONNX
 * Runtime has already shown it does not.
 *
 * With the synchronous native session (sync-session.ts) a run happens inside the call, and the scheduler forms
 * each batch at the end of the event-loop turn (formsBatchAtTurnEnd): every request read in that turn joins it.
 */
export class InlineRunner {
  onIdle: () => void = () => {};
  private busy = false;
  private fetches: string[];

  private constructor(private session: ort.InferenceSession | null, private sync: SyncSession | null, readonly io: ModelIo) {
    this.fetches = tensorFetches(io);
  }

  static async create(modelPath: string, io: ModelIo): Promise<InlineRunner> {
    const sync = openSyncSession(modelPath);
    return new InlineRunner(sync ? null : await createServingSession(modelPath, 1), sync, io);
  }

  get formsBatchAtTurnEnd(): boolean {
    return this.sync !== null;
  }

  get idleCount(): number {
    return this.busy || (!this.session && !this.sync) ? 0 : 1;
  }

  get threadCount(): number {
    return 1;
  }

  run(feeds: HostTensor[]): Promise<RunOutput> {
    const sync = this.sync;
    if (sync) {
      try {
        return Promise.resolve(runBatchSync(sync, feeds, this.fetches));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.runDeferred(feeds);
  }

  private async runDeferred(feeds: HostTensor[]): Promise<RunOutput> {
    const session = this.session;
    if (!session) throw new Error('The model is not loaded.');
    this.busy = true;
    try {
      return await runBatch(session, feeds, this.fetches);
    } finally {
      this.busy = false;
      // After the caller's continuation: the scheduler hands over the next batch once this one is answered.
      queueMicrotask(() => this.onIdle());
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    const sync = this.sync;
    this.sync = null;
    sync?.release();
    await session?.release().catch(() => {});
  }
}

/** Largest warm-up run (at the scheduler's batch size) that may run on the server thread. */
export const INLINE_MAX_MS = 0.25;
