import type { Counter, Gauge, Registry } from './metrics';
import { HttpError, badRequest } from './http-error';

/**
 * Ground-truth feedback: the server remembers the last `remember` predictions by request id (bounded: the oldest
 * is forgotten first), and POST /feedback {"id", "outcome"} scores one of them. Classifiers are scored right or
 * wrong (rolling accuracy), one-value regressions by absolute error (rolling mean absolute error), both over the
 * last `window` scored rows, kept in a ring.
 */
export type FeedbackKind = 'classes' | 'values';

/**
 * What a request predicted: its one row's class name or value (the common case, stored as is: a label is a shared
 * string, so remembering it allocates nothing), one per row for several rows, or SCORED once feedback arrived.
 */
type Remembered = string | number | Array<string | number> | typeof SCORED;
const SCORED = null;

export interface FeedbackAnswer {
  id: string;
  rows: number;
  /** classes: rows predicted right; values: absolute error per row. */
  correct?: number;
  absoluteErrors?: number[];
  accuracy?: number;
  meanAbsoluteError?: number;
}

export class FeedbackTracker {
  private readonly recent = new Map<string, Remembered>();
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;
  private readonly scoredRows: Counter;
  private readonly rolling: Gauge;
  private readonly windowRows: Gauge;

  constructor(readonly kind: FeedbackKind, private readonly labels: string[] | null, private readonly remember: number, window: number, registry: Registry) {
    this.ring = new Float64Array(window);
    this.scoredRows = registry.counter('modeldock_feedback_rows_total', 'Predicted rows scored against a ground-truth outcome sent to POST /feedback.');
    this.rolling = kind === 'classes'
      ? registry.gauge('modeldock_feedback_accuracy', 'Share of the last scored rows predicted right (rolling accuracy; NaN before any feedback).')
      : registry.gauge('modeldock_feedback_mean_absolute_error', 'Mean absolute error of the last scored rows (rolling; NaN before any feedback).');
    this.windowRows = registry.gauge('modeldock_feedback_window_rows', 'Scored rows the rolling accuracy or error is computed over.');
    this.rolling.set(NaN);
  }

  /** Called once per answered request with what it predicted (one entry per row). */
  record(id: string, predicted: ReadonlyArray<string | number>): void {
    if (this.remember === 0) return;
    if (this.recent.has(id)) this.recent.delete(id);
    else if (this.recent.size >= this.remember) {
      // Maps iterate in insertion order: the first key is the oldest prediction.
      for (const oldest of this.recent.keys()) { this.recent.delete(oldest); break; }
    }
    this.recent.set(id, predicted.length === 1 ? predicted[0] : [...predicted]);
  }

  score(id: unknown, outcome: unknown): FeedbackAnswer {
    if (typeof id !== 'string' || id === '') throw badRequest('"id" must be the request id of a prediction (the X-Request-Id header of its answer).');
    const entry = this.recent.get(id);
    if (entry === undefined) {
      throw new HttpError(404, `No prediction with id "${id}" is remembered; the server keeps the last ${this.remember} predictions (use the X-Request-Id of the answer, and send feedback before it is forgotten).`);
    }
    if (entry === SCORED) throw new HttpError(409, `The prediction "${id}" already has an outcome; each prediction is scored once.`);
    const predicted = Array.isArray(entry) ? entry : [entry];
    const rows = predicted.length;
    const outcomes = Array.isArray(outcome) ? outcome : [outcome];
    if (outcome === undefined || outcomes.length !== rows) {
      throw badRequest(`"outcome" must give ${rows === 1 ? 'one value' : `a list of ${rows} values (one per row of the request)`}; got ${outcome === undefined ? 'none' : Array.isArray(outcome) ? `${outcomes.length}` : 'one'}.`);
    }
    const answer: FeedbackAnswer = { id, rows };
    if (this.kind === 'classes') {
      const right = outcomes.map((o, r) => this.sameClass(o, predicted[r] as string, r));
      right.forEach((ok) => this.push(ok ? 1 : 0));
      answer.correct = right.filter(Boolean).length;
      answer.accuracy = this.sum / this.filled;
    } else {
      const errors = outcomes.map((o, r) => {
        const v = typeof o === 'string' && o.trim() !== '' ? Number(o) : o;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`"outcome"${rows > 1 ? `[${r}]` : ''} must be a number (the true value); got ${JSON.stringify(o)}.`);
        return Math.abs(v - Number(predicted[r]));
      });
      errors.forEach((e) => this.push(e));
      answer.absoluteErrors = errors;
      answer.meanAbsoluteError = this.sum / this.filled;
    }
    this.recent.set(id, SCORED);
    this.scoredRows.inc(undefined, rows);
    this.rolling.set(this.sum / this.filled);
    this.windowRows.set(this.filled);
    return answer;
  }

  /** An outcome names a class by label ("setosa") or by index (2, "2"). */
  private sameClass(outcome: unknown, predicted: string, row: number): boolean {
    if (typeof outcome === 'number' && Number.isInteger(outcome)) return (this.labels?.[outcome] ?? String(outcome)) === predicted;
    if (typeof outcome === 'string' && outcome !== '') {
      if (outcome === predicted) return true;
      return /^\d+$/.test(outcome) && this.labels ? this.labels[Number(outcome)] === predicted : false;
    }
    throw badRequest(`"outcome"${row > 0 ? `[${row}]` : ''} must be the true class: a label${this.labels ? ` (${this.labels.slice(0, 5).map((l) => `"${l}"`).join(', ')}${this.labels.length > 5 ? ', ...' : ''})` : ''} or a class index; got ${JSON.stringify(outcome)}.`);
  }

  private push(value: number): void {
    if (this.filled === this.ring.length) this.sum -= this.ring[this.next];
    else this.filled++;
    this.ring[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.ring.length;
  }
}
