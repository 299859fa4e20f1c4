/**
 * Structured logs: one JSON object per line on stdout, so `docker logs` and log shippers read them without a
 * parser. Every line has time, level and event; errors carry "error" (what went wrong) and "cause" (why).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/** How long request lines may wait to be written together (nginx's access_log flush= does the same). */
export const REQUEST_LINE_FLUSH_MS = 2;

export class Logger {
  private pending = '';
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  /** The last ISO timestamp and the millisecond it is for: under load many lines share one millisecond. */
  private stampMs = -1;
  private stampText = '';
  /** JSON text of the few server-chosen strings in request lines (methods, route templates). */
  private readonly quoted = new Map<string, string>();

  /**
   * Lines are gathered: every line is written by the end of its event-loop turn, except request lines, which may
   * wait up to REQUEST_LINE_FLUSH_MS for company. One request at a time (a single client) would otherwise cost a
   * write to the log pipe, and a wake-up of whoever reads it, per request. flush() writes what is pending (before
   * exit).
   */
  constructor(
    private level: LogLevel = 'info',
    private readonly write: (text: string, done?: () => void) => void = (text, done) => { process.stdout.write(text, done); },
    private readonly requestFlushMs = REQUEST_LINE_FLUSH_MS,
  ) {}

  flush(done?: () => void): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const text = this.pending;
    this.pending = '';
    if (text) this.write(text, done);
    else done?.();
  }

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  private now(): string {
    const ms = Date.now();
    if (ms !== this.stampMs) {
      this.stampMs = ms;
      this.stampText = new Date(ms).toISOString();
    }
    return this.stampText;
  }

  log(level: LogLevel, event: string, fields: LogFields = {}, always = false): void {
    if (!always && !this.enabled(level)) return;
    let line: string;
    try {
      line = JSON.stringify({ time: this.now(), level, event, ...fields });
    } catch {
      // A field that cannot be serialised (a cycle, a bigint) must not lose the line.
      line = JSON.stringify({ time: this.now(), level, event, note: 'fields could not be serialised' });
    }
    this.append(line);
  }

  /**
   * The per-request line at info, the hot path of logging: the same text as
   * info('request', { method, path, status, ms, route, id }), built without an object and a full stringify.
   * path and id come from the client and are JSON-escaped every time; method and route are server-chosen
   * strings, escaped once and cached (bounded: Node accepts a fixed set of methods, and routes are templates).
   */
  request(method: string, path: string, status: number, ms: number, route: string, id: string): void {
    if (RANK.info < RANK[this.level]) return;
    if (!Number.isFinite(ms) || !Number.isInteger(status)) {
      this.info('request', { method, path, status, ms, route, id });
      return;
    }
    this.append(`{"time":"${this.now()}","level":"info","event":"request","method":${this.quote(method)},"path":${JSON.stringify(path)},"status":${status},"ms":${ms},"route":${this.quote(route)},"id":${JSON.stringify(id)}}`, true);
  }

  private quote(text: string): string {
    let json = this.quoted.get(text);
    if (json === undefined) {
      json = JSON.stringify(text);
      if (this.quoted.size < 256) this.quoted.set(text, json);
    }
    return json;
  }

  /** `mayWait`: a request line, which may wait up to requestFlushMs; any other line goes out by the end of the turn. */
  private append(line: string, mayWait = false): void {
    this.pending += `${line}\n`;
    if (this.pending.length > 1 << 20) {
      this.flush();
    } else if (mayWait) {
      if (this.timer || this.scheduled) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.requestFlushMs);
      // Exit paths flush explicitly; a pending timer must not keep the process alive.
      this.timer.unref();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Lifecycle events (listening, ready, shutdown) that supervisors wait for: written at any log level. */
  lifecycle(event: string, fields?: LogFields): void { this.log('info', event, fields, true); }
  debug(event: string, fields?: LogFields): void { this.log('debug', event, fields); }
  info(event: string, fields?: LogFields): void { this.log('info', event, fields); }
  warn(event: string, fields?: LogFields): void { this.log('warn', event, fields); }
  error(event: string, fields?: LogFields): void { this.log('error', event, fields); }
}

/** The text of anything thrown, first line only (stacks stay out of logs unless at debug). */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 500);
}
