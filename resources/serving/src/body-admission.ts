import type { Deadline } from './deadline';

/**
 * A byte budget for request bodies the server holds at once (read, queued or running). Beyond it, a new request's
 * body is left unread until an earlier request answers: TCP flow control keeps the bytes at the client, so a burst
 * of large images costs neither memory nor the cache the model is running in. Waiting counts against the
 * request's deadline. A body alone is always admitted, however large (the body size limit still applies).
 */
export class BodyAdmission {
  private inUse = 0;
  private holders = 0;
  private readonly waiting: Array<{ bytes: number; admit: () => void }> = [];

  /** `onWaitingChange`: told the number of waiting bodies whenever it changes (a metrics gauge). */
  constructor(private readonly budgetBytes: number, private readonly onWaitingChange: (waiting: number) => void = () => {}) {}

  /** Requests whose body waits to be read. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once `bytes` fit the budget; rejects with the deadline's error if it passes first. */
  acquire(bytes: number, deadline?: Deadline): Promise<() => void> {
    const taken = this.tryTake(bytes);
    if (taken) return Promise.resolve(taken);
    return new Promise((resolve, reject) => {
      const entry = { bytes, admit: () => resolve(this.take(bytes)) };
      this.waiting.push(entry);
      this.onWaitingChange(this.waiting.length);
      deadline?.onExpire(() => {
        const at = this.waiting.indexOf(entry);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        this.onWaitingChange(this.waiting.length);
        reject(deadline.error());
        // A large waiter leaving may let smaller ones behind it in.
        this.admitWaiting();
      });
    });
  }

  /** The release function when `bytes` fit now (and nobody waits ahead), else null. */
  tryTake(bytes: number): (() => void) | null {
    return this.fits(bytes) && this.waiting.length === 0 ? this.take(bytes) : null;
  }

  private fits(bytes: number): boolean {
    return this.holders === 0 || this.inUse + bytes <= this.budgetBytes;
  }

  private take(bytes: number): () => void {
    this.inUse += bytes;
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= bytes;
      this.holders--;
      this.admitWaiting();
    };
  }

  /** In arrival order: a large body at the head is not overtaken by smaller ones (no starvation). */
  private admitWaiting(): void {
    const before = this.waiting.length;
    while (this.waiting.length && this.fits(this.waiting[0].bytes)) this.waiting.shift()!.admit();
    if (this.waiting.length !== before) this.onWaitingChange(this.waiting.length);
  }
}
