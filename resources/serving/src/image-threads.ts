import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostTensor } from '../../../main/inference/host-tensor';
import { MAX_PIXELS } from '../../../main/inference/image-input';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import type { ImagePreprocess } from '../../../shared/schemas/spec';
import { HttpError } from './http-error';
import type { FromImageThread, ToImageThread } from './image-protocol';
import { errorText, type Logger } from './log';

/**
 * Turns encoded images into input tensors on a few threads of their own, so that decoding never blocks the server
 * thread: with decoding there, a burst of photo uploads held /healthz for over a second (measured: 4 concurrent
 * 12-megapixel JPEGs, 1.07 s), long enough to fail a probe. Each job goes to the thread with the fewest waiting.
 * A thread that dies (a decoder running out of memory on a huge image) fails only its own jobs and is replaced.
 */
export interface ImageDecoder {
  decode(bytes: Uint8Array, input: IoMeta, settings: ImagePreprocess | undefined, label: string): Promise<HostTensor>;
}

/**
 * Half the CPUs, 1 to 4: decoding competes with ONNX Runtime for the same cores, and one thread already keeps up
 * with a 5 ms CNN on camera-size JPEGs (a 224x224 JPEG decodes and preprocesses in ~3 ms).
 */
export function imageThreadCount(cpus: number): number {
  return Math.max(1, Math.min(4, Math.floor(cpus / 2)));
}

interface Job {
  resolve: (tensor: HostTensor) => void;
  reject: (error: Error) => void;
}

class ImageThread {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();

  constructor(script: string) {
    this.worker = new Worker(script, { stdout: false, stderr: false });
  }
}

export class ImageThreads implements ImageDecoder {
  private readonly threads: ImageThread[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    size: number,
    private readonly log: Logger,
    /** Images declaring more pixels in their header are refused (413) before decoding. */
    private readonly maxPixels = MAX_PIXELS,
    private readonly script = path.join(__dirname, 'image-thread.js'),
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  get threadCount(): number {
    return this.threads.length;
  }

  private spawn(): void {
    const thread = new ImageThread(this.script);
    this.threads.push(thread);
    thread.worker.on('message', (reply: FromImageThread) => {
      const job = thread.jobs.get(reply.id);
      if (!job) return;
      thread.jobs.delete(reply.id);
      if ('tensor' in reply) job.resolve(reply.tensor);
      else if ('status' in reply) job.reject(new HttpError(reply.status, reply.message));
      else job.reject(new Error(reply.fault));
    });
    thread.worker.on('error', (error) => this.lost(thread, error));
    thread.worker.on('exit', (code) => this.lost(thread, new Error(`exit code ${code}`)));
  }

  private lost(thread: ImageThread, error: Error): void {
    const at = this.threads.indexOf(thread);
    if (at < 0) return;
    this.threads.splice(at, 1);
    for (const job of thread.jobs.values()) job.reject(new Error(`The image decoding thread stopped while decoding this image (${error.message}).`));
    thread.jobs.clear();
    if (this.closed) return;
    this.log.error('image-thread-lost', { error: 'An image decoding thread stopped; starting a new one.', cause: errorText(error) });
    this.spawn();
  }

  /** `bytes` is copied into a buffer of its own and that buffer is handed over: the caller's body stays intact. */
  decode(bytes: Uint8Array, input: IoMeta, settings: ImagePreprocess | undefined, label: string): Promise<HostTensor> {
    if (this.closed || this.threads.length === 0) return Promise.reject(new Error('The image decoding threads are not running.'));
    let thread = this.threads[0];
    for (const t of this.threads) if (t.jobs.size < thread.jobs.size) thread = t;
    const id = this.nextId++;
    const own = new Uint8Array(bytes);
    return new Promise<HostTensor>((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject });
      const job: ToImageThread = { id, bytes: own, label, input, settings, maxPixels: this.maxPixels };
      thread.worker.postMessage(job, [own.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    for (const t of threads) for (const job of t.jobs.values()) job.reject(new Error('The server is shutting down.'));
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => 0)));
  }
}
