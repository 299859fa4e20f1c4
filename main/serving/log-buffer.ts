import type { LogLevel, LogLine, ServingPlan } from '../../shared/schemas/serve';
import { readyPlan } from './ready-plan';

const MAX_RAW = 8 * 1024;
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The last N lines a server wrote, numbered so a poller asks only for what it has not seen. Bounded: a server that
 * logs every request for days keeps the newest lines and counts the dropped ones.
 */
export class LogBuffer {
  private readonly lines: LogLine[] = [];
  private lastSeq = 0;
  private latestPlan: ServingPlan | null = null;

  constructor(private readonly capacity = 2000) {}

  get nextSeq(): number {
    return this.lastSeq;
  }

  /**
   * The plan in the runtime's latest "ready" line (see ready-plan.ts), kept when that line itself has scrolled out of
   * the buffer under a day of request lines.
   */
  get plan(): ServingPlan | null {
    return this.latestPlan;
  }

  /** Adds one line as written by the runtime (JSON or plain text). */
  push(raw: string, stream: LogLine['stream']): LogLine {
    const fields = raw.startsWith('{') ? jsonFields(raw) : null;
    const line = logLine(raw, fields, stream, ++this.lastSeq);
    if (line.event === 'ready' && stream === 'stdout') this.latestPlan = readyPlan(fields);
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    return line;
  }

  after(afterSeq: number, limit = 500): { lines: LogLine[]; nextSeq: number; dropped: number } {
    const oldest = this.lines[0]?.seq ?? this.lastSeq + 1;
    const dropped = Math.max(0, oldest - afterSeq - 1);
    const start = this.lines.findIndex((l) => l.seq > afterSeq);
    const lines = start < 0 ? [] : this.lines.slice(start, start + limit);
    return { lines, nextSeq: lines.length ? lines[lines.length - 1].seq : Math.max(afterSeq, this.lastSeq), dropped };
  }

  /** The error lines (and plain stderr) among the last `count`, for explaining a failed start. */
  problems(count = 20): LogLine[] {
    return this.lines.filter((l) => l.level === 'error' || l.level === 'warn' || l.stream === 'stderr').slice(-count);
  }

  tail(count = 20): LogLine[] {
    return this.lines.slice(-count);
  }
}

/** A log line's JSON object, or null when the line is not one. */
export function jsonFields(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `fields`: the line's JSON object (jsonFields), or null for a plain-text line. */
function logLine(raw: string, fields: Record<string, unknown> | null, stream: LogLine['stream'], seq: number): LogLine {
  const text = raw.length > MAX_RAW ? `${raw.slice(0, MAX_RAW)}…` : raw;
  const now = new Date().toISOString();
  if (fields) {
    return {
      seq,
      time: typeof fields.time === 'string' ? fields.time : now,
      level: LEVELS.includes(fields.level as LogLevel) ? (fields.level as LogLevel) : 'info',
      stream,
      event: typeof fields.event === 'string' ? fields.event : null,
      message: describeEvent(fields),
      raw: text,
    };
  }
  const level: LogLevel = stream === 'stderr' ? (/error|fail|cannot|invalid/i.test(raw) ? 'error' : 'warn') : 'info';
  return { seq, time: now, level, stream, event: null, message: text, raw: text };
}

/** A JSON log line as one readable sentence; the raw JSON stays available beside it. */
export function describeEvent(fields: Record<string, unknown>): string {
  const str = (key: string) => (fields[key] === undefined || fields[key] === null ? '' : String(fields[key]));
  const ms = (key: string) => (typeof fields[key] === 'number' ? `${formatMs(fields[key] as number)}` : '');
  const event = str('event');
  const said = str('msg') || str('message');
  switch (event) {
    case 'modeldock':
      return said;
    case 'request':
      return [str('method'), str('path') || str('route'), str('status'), ms('ms')].filter(Boolean).join(' ');
    case 'listening':
      return `listening on ${str('host') || '?'}:${str('port') || '?'}${said ? ` (${said})` : ''}`;
    case 'ready':
      return `ready: model loaded${ms('loadMs') ? ` in ${ms('loadMs')}` : ''}${ms('warmupMs') ? `, warm-up ${ms('warmupMs')}` : ''}${planText(readyPlan(fields))}`;
    default: {
      const problem = problemText(fields);
      const parts = [event, said, problem].filter(Boolean);
      if (parts.length === 0) {
        const rest = Object.entries(fields).filter(([k]) => k !== 'time' && k !== 'level');
        return rest.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
      }
      return parts.join(': ');
    }
  }
}

/** "; inference on the server thread; batching up to 32 rows per call": the ready line's plan, in brief. */
function planText(plan: ServingPlan | null): string {
  if (!plan) return '';
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const where = plan.onServerThread ? 'on the server thread' : `in ${count(plan.workers, 'thread')} of ${count(plan.intraOpThreads, 'ONNX Runtime thread')}`;
  const batching = !plan.batching ? 'no batching (no batch axis)' : plan.batching.effective > 1 ? `batching up to ${plan.batching.effective} rows per call` : 'batching off (it does not pay for this model)';
  const underLoad = plan.sideBySide?.adopted ? `; under load ${count(plan.sideBySide.workers, 'one-thread session')} side by side` : '';
  return `; inference ${where}; ${batching}${underLoad}`;
}

/** "error" and, when it adds something, "cause": the runtime's own words for what went wrong. */
export function problemText(fields: Record<string, unknown>): string {
  const error = typeof fields.error === 'string' ? fields.error : fields.error === undefined ? '' : JSON.stringify(fields.error);
  const cause = typeof fields.cause === 'string' ? fields.cause : '';
  if (!cause || error.toLowerCase().includes(cause.toLowerCase().replace(/\.$/, ''))) return error;
  return error ? `${error} (cause: ${cause})` : cause;
}

function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${Number(value.toFixed(2))} ms`;
}
