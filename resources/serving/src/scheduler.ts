import type { HostTensor, TensorValues } from '../../../main/inference/host-tensor';
import type { Deadline } from './deadline';
import { HttpError } from './http-error';
import type { ServerMetrics } from './server-metrics';
import { stackRows } from './tensor-stack';
import type { InferenceRunner, RunOutput } from './worker-pool';

/**
 * The request queue in front of the inference threads, with dynamic batching. Requests are validated before they
 * get here, so a batch holds only good requests. When a thread is idle it takes the oldest request plus every
 * waiting request that can stack with it (same shapes after the first axis), up to maxBatchSize rows; with
 * maxBatchDelayMs > 0 a short batch waits that long for company. When no thread is idle, a full batch (or any
 * request, without batching) may go ahead to a busy thread to run next: it would not have grown by waiting, and the
 * thread need not idle between runs. Results are split back by rows. The queue is bounded: beyond maxQueue waiting
 * requests the caller gets 503 with Retry-After.
 */
export interface SchedulerOptions {
  batchable: boolean;
  singleRow: boolean;
  maxBatchSize: number;
  maxBatchDelayMs: number;
  maxQueue: number;
}

/** Sees every model call's inputs (before they travel to the thread) and outputs: model monitoring. */
export interface BatchObserver {
  observeInputs(feeds: HostTensor[]): void;
  observeOutputs(outputs: HostTensor[]): void;
}

export interface JobResult {
  outputs: HostTensor[];
  /** Rows of the run this request was part of. */
  batchRows: number;
}

interface Job {
  feeds: HostTensor[];
  rows: number;
  key: string;
  enqueuedAt: number;
  resolve: (value: JobResult) => void;
  reject: (error: Error) => void;
  done: boolean;
}

export class Scheduler {
  private readonly queue: Job[] = [];
  private delayTimer: NodeJS.Timeout | null = null;
  private turnEndScheduled = false;
  private running = 0;

  constructor(
    private readonly pool: InferenceRunner,
    private options: SchedulerOptions,
    private readonly metrics: ServerMetrics | null,
    private readonly observer: BatchObserver | null = null,
  ) {
    pool.onIdle = () => this.pump();
  }

  get depth(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.running;
  }

  /**
   * Queues a request and resolves with its outputs. When its deadline passes it is withdrawn: still waiting, it
   * leaves the queue; already running, its share of the result is dropped.
   */
  submit(feeds: HostTensor[], rows: number, deadline?: Deadline): Promise<JobResult> {
    if (this.options.singleRow && rows > 1) return this.submitRows(feeds, rows, deadline);
    if (this.queue.length >= this.options.maxQueue) {
      this.metrics?.rejected.inc();
      return Promise.reject(new HttpError(503, `The server is at capacity (${this.options.maxQueue} requests waiting); retry shortly.`, { 'Retry-After': '1' }));
    }
    return new Promise<JobResult>((resolve, reject) => {
      const job: Job = { feeds, rows, key: stackKey(feeds), enqueuedAt: performance.now(), resolve, reject, done: false };
      if (deadline) {
        if (deadline.expired) { reject(deadline.error()); return; }
        deadline.onExpire(() => {
          if (job.done) return;
          job.done = true;
          const at = this.queue.indexOf(job);
          if (at >= 0) this.queue.splice(at, 1);
          this.metrics?.queueDepth.set(this.queue.length);
          reject(deadline.error());
        });
      }
      this.queue.push(job);
      this.metrics?.queueDepth.set(this.queue.length);
      this.pump();
    });
  }

  /** A model fixed to one row per run: several rows become several runs, answered together. */
  private async submitRows(feeds: HostTensor[], rows: number, deadline?: Deadline): Promise<JobResult> {
    // Runs one after another (a deadline has one listener), each a queue entry of its own.
    const parts: JobResult[] = [];
    for (let r = 0; r < rows; r++) parts.push(await this.submit(feeds.map((t) => sliceRows(t, r, 1, rows, true)), 1, deadline));
    return { outputs: concatRows(parts.map((p) => p.outputs)), batchRows: 1 };
  }

  private pump(): void {
    if (this.pool.formsBatchAtTurnEnd) {
      // The run happens inside the call: wait for the end of this event-loop turn, so that every request read in
      // it joins the batch (and is not left for one more run just after).
      if (!this.turnEndScheduled && this.queue.length) {
        this.turnEndScheduled = true;
        setImmediate(() => {
          this.turnEndScheduled = false;
          this.pumpNow();
        });
      }
      return;
    }
    this.pumpNow();
  }

  private pumpNow(): void {
    while (this.queue.length) {
      const ahead = this.pool.idleCount === 0;
      if (ahead && !((this.pool.aheadSlots ?? 0) > 0)) return;
      const batch = this.takeBatch(ahead);
      if (!batch) return;
      void this.dispatch(batch, ahead);
    }
  }

  /**
   * The next batch, or null when a short batch should wait for company (maxBatchDelayMs) or, for a batch that
   * would run ahead (fullOnly), when it is short at all.
   */
  private takeBatch(fullOnly: boolean): Job[] | null {
    const head = this.queue[0];
    if (!this.options.batchable || head.rows >= this.options.maxBatchSize) return this.queue.splice(0, 1);
    const picked: number[] = [0];
    let rows = head.rows;
    for (let i = 1; i < this.queue.length && rows < this.options.maxBatchSize; i++) {
      const job = this.queue[i];
      if (job.key !== head.key || rows + job.rows > this.options.maxBatchSize) continue;
      picked.push(i);
      rows += job.rows;
    }
    if (fullOnly && rows < this.options.maxBatchSize) return null;
    const delay = this.options.maxBatchDelayMs;
    if (delay > 0 && rows < this.options.maxBatchSize) {
      const waited = performance.now() - head.enqueuedAt;
      if (waited < delay) {
        if (!this.delayTimer) {
          this.delayTimer = setTimeout(() => { this.delayTimer = null; this.pumpNow(); }, Math.max(1, Math.ceil(delay - waited)));
        }
        return null;
      }
    }
    const jobs: Job[] = [];
    for (let k = picked.length - 1; k >= 0; k--) jobs.unshift(this.queue.splice(picked[k], 1)[0]);
    return jobs;
  }

  /** `ahead`: the batch goes to a busy thread, to run after its current one (run-ahead). */
  private async dispatch(jobs: Job[], ahead: boolean): Promise<void> {
    const dispatchedAt = performance.now();
    const observeQueue = (startedAt: number) => { for (const job of jobs) this.metrics?.queueSeconds.observe((startedAt - job.enqueuedAt) / 1000); };
    // Queue time runs until the batch can start: at once on an idle thread; after the run before it when ahead.
    if (!ahead) observeQueue(dispatchedAt);
    this.metrics?.queueDepth.set(this.queue.length);
    const rows = jobs.reduce((n, j) => n + j.rows, 0);
    const feeds = jobs.length === 1 ? jobs[0].feeds : stackFeeds(jobs.map((j) => j.feeds), rows);
    // Once per model call, and before the run: the typed arrays are handed over to the inference thread.
    this.observer?.observeInputs(feeds);
    // Nothing else queued or running: the batch may have every CPU (the wide session, when there are narrow ones).
    const alone = this.running === 0 && this.queue.length === 0;
    this.running++;
    let result: RunOutput;
    try {
      result = await this.pool.run(feeds, alone);
    } catch (error) {
      this.running--;
      if (ahead) observeQueue(performance.now());
      for (const job of jobs) finish(job, null, error as Error);
      return;
    }
    this.running--;
    if (ahead) observeQueue(dispatchedAt + (result.waitedMs ?? 0));
    this.metrics?.inferenceSeconds.observe(result.ms / 1000);
    this.metrics?.batchSize.observe(rows);
    if (jobs.length === 1) {
      this.observer?.observeOutputs(result.outputs);
      finish(jobs[0], { outputs: result.outputs, batchRows: rows }, null);
      return;
    }
    // Every output must carry the batch axis to be split; if the model says otherwise at run time, stop merging.
    if (result.outputs.some((o) => o.dims[0] !== rows)) {
      this.options = { ...this.options, batchable: false };
      this.queue.unshift(...jobs.filter((j) => !j.done));
      this.pump();
      return;
    }
    this.observer?.observeOutputs(result.outputs);
    let offset = 0;
    for (const job of jobs) {
      finish(job, { outputs: result.outputs.map((o) => sliceRows(o, offset, job.rows, rows, false)), batchRows: rows }, null);
      offset += job.rows;
    }
  }
}

function finish(job: Job, value: JobResult | null, error: Error | null): void {
  if (job.done) return;
  job.done = true;
  if (value) job.resolve(value);
  else job.reject(error ?? new Error('The run failed.'));
}

/** Requests stack when every input has the same dims after the first axis and the same element type. */
function stackKey(feeds: HostTensor[]): string {
  let key = '';
  for (const t of feeds) key += `${t.name}:${t.elementType}:${t.dims.slice(1).join('x')};`;
  return key;
}

function stackFeeds(requests: HostTensor[][], rows: number): HostTensor[] {
  return requests[0].map((_, i) => ({ ...stackRows(requests.map((r) => r[i])), dims: [rows, ...requests[0][i].dims.slice(1)] }));
}

/** Rows [start, start+count) of a tensor whose first axis has `total` rows: a view, or a copy when it must travel. */
export function sliceRows(t: HostTensor, start: number, count: number, total: number, copy: boolean): HostTensor {
  const per = total > 0 ? t.data.length / total : 0;
  const from = start * per;
  const to = from + count * per;
  let data: TensorValues;
  if (Array.isArray(t.data)) data = t.data.slice(from, to);
  else data = copy ? (t.data as Float32Array).slice(from, to) : (t.data as Float32Array).subarray(from, to);
  return { name: t.name, elementType: t.elementType, dims: [count, ...t.dims.slice(1)], data };
}

function concatRows(parts: HostTensor[][]): HostTensor[] {
  if (parts.length === 1) return parts[0];
  return parts[0].map((_, i) => {
    const pieces = parts.map((p) => p[i]);
    const rows = pieces.reduce((n, t) => n + (t.dims[0] ?? 1), 0);
    return stackFeeds(pieces.map((t) => [t]), rows)[0];
  });
}
