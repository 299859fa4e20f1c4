import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostTensor } from '../../../main/inference/host-tensor';
import { MAX_PIXELS } from '../../../main/inference/image-input';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import type { ImagePreprocess } from '../../../shared/schemas/spec';
import type { Deadline } from './deadline';
import { HttpError } from './http-error';
import type { FromImageThread, ToImageThread } from './image-protocol';
import { errorText, type Logger } from './log';

/**
 * Turns encoded images into input tensors on a few threads of their own, so that decoding never blocks the server
 * thread: with decoding there, a burst of photo uploads held /healthz for over a second (measured: 4 concurrent
 * 12-megapixel JPEGs, 1.07 s), long enough to fail a probe. Each thread decodes one image at a time; the others
 * wait here, in arrival order, where a request that times out or whose client hangs up is withdrawn before any
 * decoding is spent on it. A thread that dies (a decoder running out of memory) fails only its image and is replaced.
 */
export interface ImageDecoder {
  decode(bytes: Uint8Array, input: IoMeta, settings: ImagePreprocess | undefined, label: string, deadline?: Deadline): Promise<HostTensor>;
}

export interface ImageThreadOptions {
  /** Images whose header declares more pixels are refused (413) before decoding. */
  maxPixels?: number;
  /** Called with the number of images waiting for a thread whenever it changes (a metric). */
  onQueueDepth?: (waiting: number) => void;
  script?: string;
}

interface Job {
  /** A view of the request body; copied into a buffer of its own only when a thread takes it. */
  bytes: Uint8Array;
  input: IoMeta;
  settings: ImagePreprocess | undefined;
  label: string;
  resolve: (tensor: HostTensor) => void;
  reject: (error: Error) => void;
  done: boolean;
}

class ImageThread {
  readonly worker: Worker;
  job: Job | null = null;

  constructor(script: string) {
    this.worker = new Worker(script, { stdout: false, stderr: false });
  }
}

export class ImageThreads implements ImageDecoder {
  private readonly threads: ImageThread[] = [];
  private readonly waiting: Job[] = [];
  private readonly byDeadline = new WeakMap<Deadline, Job[]>();
  private reportedDepth = 0;
  private closed = false;
  /** The largest image, in pixels, the threads will decode. */
  readonly maxPixels: number;
  private readonly script: string;

  constructor(size: number, private readonly log: Logger, private readonly options: ImageThreadOptions = {}) {
    this.maxPixels = options.maxPixels ?? MAX_PIXELS;
    this.script = options.script ?? path.join(__dirname, 'image-thread.js');
    for (let i = 0; i < size; i++) this.spawn();
  }

  get threadCount(): number {
    return this.threads.length;
  }

  get depth(): number {
    return this.waiting.length;
  }

  decode(bytes: Uint8Array, input: IoMeta, settings: ImagePreprocess | undefined, label: string, deadline?: Deadline): Promise<HostTensor> {
    if (this.closed) return Promise.reject(new Error('The image decoding threads are not running.'));
    if (deadline?.expired) return Promise.reject(deadline.error());
    return new Promise<HostTensor>((resolve, reject) => {
      const job: Job = { bytes, input, settings, label, resolve, reject, done: false };
      if (deadline) {
        // A deadline takes one listener: the images of one request (a form may hold several) share it.
        let group = this.byDeadline.get(deadline);
        if (!group) this.byDeadline.set(deadline, (group = []));
        group.push(job);
        const jobs = group;
        deadline.onExpire(() => {
          for (const j of jobs) this.withdraw(j, deadline.error());
        });
      }
      this.waiting.push(job);
      this.pump();
    });
  }

  /** A waiting image leaves the queue; one being decoded runs to its end and its answer is dropped. */
  private withdraw(job: Job, reason: Error): void {
    const at = this.waiting.indexOf(job);
    if (at >= 0) {
      this.waiting.splice(at, 1);
      this.depthChanged();
    }
    settle(job, null, reason);
  }

  private pump(): void {
    for (const thread of this.threads) {
      if (thread.job) continue;
      const job = this.waiting.shift();
      if (!job) break;
      thread.job = job;
      const own = new Uint8Array(job.bytes);
      const message: ToImageThread = { bytes: own, label: job.label, input: job.input, settings: job.settings, maxPixels: this.maxPixels };
      thread.worker.postMessage(message, [own.buffer]);
    }
    this.depthChanged();
  }

  private depthChanged(): void {
    if (this.waiting.length === this.reportedDepth) return;
    this.reportedDepth = this.waiting.length;
    this.options.onQueueDepth?.(this.reportedDepth);
  }

  private spawn(): void {
    const thread = new ImageThread(this.script);
    this.threads.push(thread);
    thread.worker.on('message', (reply: FromImageThread) => {
      const job = thread.job;
      thread.job = null;
      if (job) {
        if ('tensor' in reply) settle(job, reply.tensor, null);
        else if ('status' in reply) settle(job, null, new HttpError(reply.status, reply.message));
        else settle(job, null, new Error(reply.fault));
      }
      this.pump();
    });
    thread.worker.on('error', (error) => this.lost(thread, error));
    thread.worker.on('exit', (code) => this.lost(thread, new Error(`exit code ${code}`)));
  }

  private lost(thread: ImageThread, error: Error): void {
    const at = this.threads.indexOf(thread);
    if (at < 0) return;
    this.threads.splice(at, 1);
    if (thread.job) settle(thread.job, null, new Error(`The image decoding thread stopped while decoding this image (${error.message}).`));
    thread.job = null;
    if (this.closed) return;
    this.log.error('image-thread-lost', { error: 'An image decoding thread stopped; starting a new one.', cause: errorText(error) });
    this.spawn();
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    const stopped = new Error('The server is shutting down.');
    for (const job of this.waiting.splice(0)) settle(job, null, stopped);
    for (const t of threads) if (t.job) settle(t.job, null, stopped);
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => 0)));
  }
}

function settle(job: Job, tensor: HostTensor | null, error: Error | null): void {
  if (job.done) return;
  job.done = true;
  if (tensor) job.resolve(tensor);
  else job.reject(error ?? new Error('The image could not be decoded.'));
}
