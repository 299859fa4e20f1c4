import type { OutStream } from './term';

/**
 * One progress line on stderr, redrawn in place, for long work (validation steps, repeated predictions, benchmarks).
 * Drawn only on a terminal, so logs and pipes stay clean; redraws are throttled so a fast loop does not flood it.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(private readonly stream: OutStream, enabled = true) {
    this.enabled = enabled && Boolean(stream.isTTY);
  }

  update(fraction: number, label: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && fraction < 1) return;
    this.lastDraw = now;
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    const width = 24;
    const filled = Math.round(f * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`;
    const room = Math.max(10, (this.stream.columns ?? 80) - bar.length - 2);
    const text = label.length > room ? `${label.slice(0, room - 1)}…` : label;
    this.stream.write(`\r\x1b[2K${bar} ${text}`);
    this.drawn = true;
  }

  /** Erase the line so the result prints where the bar was. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
