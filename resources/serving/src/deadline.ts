/**
 * A request's time limit. Lighter than AbortController (no EventTarget per request, which showed up in profiles at
 * tens of thousands of requests a second): one timer and at most one listener, the scheduler's.
 */
export class Deadline {
  expired = false;
  private listener: (() => void) | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, readonly error: () => Error) {
    this.timer = setTimeout(() => this.expire(), ms);
  }

  private expire(): void {
    this.expired = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }

  /** Called once if the deadline passes (replaces an earlier listener). */
  onExpire(listener: () => void): void {
    this.listener = listener;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.listener = null;
  }
}
