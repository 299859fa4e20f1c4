import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostTensor } from '../../../main/inference/host-tensor';
import type { ModelIo } from '../../../main/inference/worker-protocol';
import { errorText, type Logger } from './log';
import { transferList, type FromThread, type ThreadInit, type ToThread } from './thread-protocol';

/**
 * The inference threads. Each holds its own ONNX Runtime session and runs one batch at a time; the scheduler asks
 * for an idle one. When none is idle, a thread may also hold one batch queued behind the one it runs (run-ahead),
 * so it starts the next run the moment it posts a result instead of idling for the round trip through the server
 * thread. A thread that dies (out of memory, a native fault it survived) fails its batches and is replaced, so the
 * server keeps serving.
 */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

export interface RunOutput {
  outputs: HostTensor[];
  /** Time inside session.run, measured in the thread. */
  ms: number;
  /** Time a run-ahead batch waited on its thread behind the batch before it (0 when sent to an idle thread). */
  waitedMs?: number;
  /** Which session ran it (inference threads only). */
  ranOn?: ThreadKind;
}

/** What the scheduler runs batches on: the inference threads, or (tiny models) the server thread itself. */
export interface InferenceRunner {
  /** `alone`: nothing else is queued or running, so the batch may have every CPU (the wide session, below). */
  run(feeds: HostTensor[], alone?: boolean): Promise<RunOutput>;
  readonly idleCount: number;
  /** Busy threads that would take one more batch to run next (run-ahead); a runner without run-ahead has none. */
  readonly aheadSlots?: number;
  readonly threadCount: number;
  /** The run happens inside run() (nothing to wait for): the scheduler takes batches at the end of an event-loop turn. */
  readonly formsBatchAtTurnEnd?: boolean;
  onIdle: () => void;
  close(): Promise<void>;
}

interface PendingRun {
  id: number;
  resolve: (value: RunOutput) => void;
  reject: (error: Error) => void;
  /** When this batch could start: when it was sent (idle thread), or when the batch before it was answered. */
  startedAt: number;
  sentAt: number;
}

/**
 * A thread's session: `wide` has every ONNX Runtime thread of the budget (the default); `narrow` has one, and runs
 * beside the other narrow threads when requests queue (side by side, see WorkerPool.addNarrow).
 */
export type ThreadKind = 'wide' | 'narrow';

class InferenceThread {
  readonly worker: Worker;
  /** Batches sent and not answered yet, oldest first: the one running, and at most one waiting behind it. */
  readonly pending: PendingRun[] = [];
  /** Resolves when the thread has ended, however it ended. */
  readonly exited: Promise<void>;

  constructor(script: string, init: ThreadInit, readonly kind: ThreadKind) {
    // The thread's own stdout would interleave with our JSON lines: it has nothing to say there.
    this.worker = new Worker(script, { workerData: init, stdout: false, stderr: false });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }
}

/** How long close() lets a thread release its session and end before terminating it. */
const CLOSE_WAIT_MS = 2000;

export class WorkerPool implements InferenceRunner {
  private readonly threads: InferenceThread[] = [];
  private nextId = 1;
  private closed = false;
  io: ModelIo = { inputs: [], outputs: [] };
  loadMs = 0;
  /** Called when a thread becomes idle, so the scheduler can hand it the next batch. */
  onIdle: () => void = () => {};
  /**
   * Busy threads take one more batch, to run next (off until placement measured the model: see
   * inference-placement.ts). Worth it for short runs, where the round trip between runs is a real share of the time.
   */
  runAhead = false;

  constructor(
    private readonly script: string,
    private readonly init: ThreadInit,
    private readonly size: number,
    private readonly log: Logger,
  ) {}

  static defaultScript(): string {
    return path.join(__dirname, 'inference-thread.js');
  }

  /** Starts every thread and waits for each to load the model; rejects with ModelLoadError if one cannot. */
  async start(): Promise<void> {
    const loads: Array<Promise<{ io: ModelIo; loadMs: number }>> = [];
    for (let i = 0; i < this.size; i++) loads.push(this.spawn('wide'));
    const results = await Promise.all(loads);
    this.io = results[0].io;
    this.loadMs = Math.max(...results.map((r) => r.loadMs));
  }

  /**
   * Adds `count` threads with a one-thread session each. From then on a batch with nothing else queued or running
   * still goes to the wide session (every CPU on one request: the lowest latency), and batches that queue go to the
   * narrow ones, which run side by side instead of taking turns on one two-thread session, whose threads wait for
   * each other at every layer (and for the slower one when the HTTP thread preempts it). See side-by-side.ts for
   * when, and what it gained. Each narrow thread holds the model once more in memory.
   */
  async addNarrow(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.spawn('narrow')));
  }

  /** Ends the narrow threads (placement measured that they do not pay). */
  async dropNarrow(): Promise<void> {
    const narrow = this.threads.filter((t) => t.kind === 'narrow');
    for (const t of narrow) this.threads.splice(this.threads.indexOf(t), 1);
    await Promise.all(narrow.map((t) => this.endThread(t, CLOSE_WAIT_MS)));
  }

  get narrowCount(): number {
    let n = 0;
    for (const t of this.threads) if (t.kind === 'narrow') n++;
    return n;
  }

  private spawn(kind: ThreadKind): Promise<{ io: ModelIo; loadMs: number }> {
    const thread = new InferenceThread(this.script, kind === 'narrow' ? { ...this.init, intraOpThreads: 1 } : this.init, kind);
    this.threads.push(thread);
    return new Promise((resolve, reject) => {
      let loaded = false;
      thread.worker.on('message', (message: FromThread) => {
        if (message.type === 'loaded') {
          loaded = true;
          resolve({ io: message.io, loadMs: message.loadMs });
        } else if (message.type === 'load-failed') {
          reject(new ModelLoadError(message.message));
        } else {
          this.settle(thread, message);
        }
      });
      thread.worker.on('error', (error) => {
        if (!loaded) reject(new ModelLoadError(errorText(error)));
        else this.lost(thread, error);
      });
      thread.worker.on('exit', (code) => {
        if (!loaded) reject(new ModelLoadError(`The inference thread stopped while loading the model (exit code ${code}).`));
        else this.lost(thread, new Error(`The inference thread stopped (exit code ${code}).`));
      });
    });
  }

  private settle(thread: InferenceThread, message: FromThread): void {
    const pending = thread.pending[0];
    if (!pending || !('id' in message) || message.id !== pending.id) return;
    thread.pending.shift();
    // The thread went straight on to the batch waiting behind this one.
    const next = thread.pending[0];
    if (next) next.startedAt = performance.now();
    const waitedMs = pending.startedAt - pending.sentAt;
    if (message.type === 'result') pending.resolve({ outputs: message.outputs, ms: message.ms, waitedMs, ranOn: thread.kind });
    else if (message.type === 'failed') pending.reject(new Error(message.message));
    this.onIdle();
  }

  private lost(thread: InferenceThread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    for (const pending of thread.pending.splice(0)) pending.reject(error);
    if (this.closed) return;
    this.log.error('inference-thread-lost', { error: 'An inference thread stopped; starting a new one.', cause: errorText(error) });
    this.spawn(thread.kind).then(() => this.onIdle(), (e) => this.log.error('inference-thread-restart-failed', { error: 'A replacement inference thread could not load the model.', cause: errorText(e) }));
  }

  /**
   * Batches that could start now. With narrow threads: the idle narrow ones, or the wide one when nothing runs at
   * all (a lone request); never the wide one beside others, which would put more threads than CPUs to work.
   */
  get idleCount(): number {
    let idle = 0;
    let idleNarrow = 0;
    let narrow = 0;
    for (const t of this.threads) {
      if (t.pending.length === 0) idle++;
      if (t.kind === 'narrow') {
        narrow++;
        if (t.pending.length === 0) idleNarrow++;
      }
    }
    if (narrow === 0) return idle;
    if (idleNarrow > 0) return idleNarrow;
    return idle === this.threads.length ? 1 : 0;
  }

  get aheadSlots(): number {
    if (!this.runAhead) return 0;
    let n = 0;
    for (const t of this.threads) if (t.pending.length === 1) n++;
    return n;
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /**
   * Runs one batch on an idle thread, or else queues it behind the run of a thread with a free run-ahead slot. The
   * feeds' buffers are transferred: the caller must not touch them after.
   */
  run(feeds: HostTensor[], alone = false): Promise<RunOutput> {
    const thread = this.pick(alone);
    if (!thread) return Promise.reject(new Error('No inference thread can take a batch.'));
    const id = this.nextId++;
    return new Promise<RunOutput>((resolve, reject) => {
      const now = performance.now();
      const pending: PendingRun = { id, resolve, reject, sentAt: now, startedAt: now };
      thread.pending.push(pending);
      try {
        thread.worker.postMessage({ type: 'run', id, feeds }, transferList(feeds));
      } catch (error) {
        thread.pending.splice(thread.pending.indexOf(pending), 1);
        reject(error as Error);
      }
    });
  }

  private pick(alone: boolean): InferenceThread | undefined {
    const idle = (kind?: ThreadKind) => this.threads.find((t) => t.pending.length === 0 && (!kind || t.kind === kind));
    if (this.narrowCount > 0) {
      // The wide session only when nothing at all runs: beside narrow runs it would oversubscribe the CPUs.
      const allIdle = this.threads.every((t) => t.pending.length === 0);
      if (alone && allIdle) return idle('wide') ?? idle('narrow');
      return idle('narrow') ?? (allIdle ? idle('wide') : undefined);
    }
    return idle() ?? (this.runAhead ? this.threads.find((t) => t.pending.length === 1) : undefined);
  }

  /**
   * Asks every thread to release its session and end, waits for that (bounded), and only then terminates the ones
   * still there: terminate() while a session is alive makes onnxruntime-node abort the process (exit 134).
   */
  async close(waitMs = CLOSE_WAIT_MS): Promise<void> {
    this.closed = true;
    const threads = [...this.threads];
    await Promise.all(threads.map((t) => this.endThread(t, waitMs)));
    this.threads.length = 0;
  }

  private async endThread(t: InferenceThread, waitMs: number): Promise<void> {
    try {
      t.worker.postMessage({ type: 'close' } satisfies ToThread);
    } catch {
      // Already gone: the exit wait below returns at once.
    }
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      t.exited.then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), waitMs); }),
    ]);
    clearTimeout(timer);
    if (!ended) await t.worker.terminate().catch(() => 0);
  }
}
