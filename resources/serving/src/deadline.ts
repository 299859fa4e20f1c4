/**
 * A request's time limit, which also ends early when the client goes away. Lighter than AbortController (no
 * EventTarget per request, which showed up in profiles at tens of thousands of requests a second): one timer and
 * at most one listener, the current holder's (the body budget while the body waits, then the scheduler).
 */
export class Deadline {
  expired = false;
  private listener: (() => void) | null = null;
  private readonly timer: NodeJS.Timeout;
  private cleared = false;
  private reason: Error | null = null;

  constructor(ms: number, private readonly timeoutError: () => Error) {
    this.timer = setTimeout(() => this.expire(), ms);
  }

  /** Why the request ended early: the cancel reason, or the timeout's error. */
  error(): Error {
    return this.reason ?? this.timeoutError();
  }

  private expire(): void {
    this.expired = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }

  /**
   * Ends the request now (the client closed the connection): a request still waiting leaves the queue, so a burst
   * of abandoned requests (clients that timed out and retried) does not cost model time nobody will read.
   */
  cancel(reason: Error): void {
    if (this.expired || this.cleared) return;
    clearTimeout(this.timer);
    this.reason = reason;
    this.expire();
  }

  /** Called once if the deadline passes (replaces an earlier listener). */
  onExpire(listener: () => void): void {
    this.listener = listener;
  }

  clear(): void {
    this.cleared = true;
    clearTimeout(this.timer);
    this.listener = null;
  }
}
