import type { Counter, Gauge, Registry } from './metrics';
import { HttpError, badRequest } from './http-error';

/**
 * Ground-truth feedback: the server remembers recent predictions by request id, bounded (the predictions of the
 * last `remember` ids it assigned, and of the last `remember` ids clients chose; older ones are forgotten), and
 * POST /feedback {"id", "outcome"} scores one of them. Classifiers are scored right or
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
  /**
   * Ids the server assigned are numbers (base 36): their prediction sits at slot number % remember, found again by
   * arithmetic, so the hot path does no hashing at all.
   */
  private readonly serverSeqs: Float64Array;
  private readonly serverPredictions: Remembered[];
  /** Ids clients chose (X-Request-Id): a ring of the last `remember`, and id -> slot. */
  private readonly slots = new Map<string, number>();
  private readonly ids: Array<string | undefined>;
  private readonly predictions: Remembered[];
  private nextSlot = 0;
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;
  private readonly scoredRows: Counter;
  private readonly rolling: Gauge;
  private readonly windowRows: Gauge;

  constructor(readonly kind: FeedbackKind, private readonly labels: string[] | null, private readonly remember: number, window: number, registry: Registry) {
    this.ring = new Float64Array(window);
    this.serverSeqs = new Float64Array(remember).fill(-1);
    this.serverPredictions = new Array<Remembered>(remember).fill(SCORED);
    this.ids = new Array<string | undefined>(remember).fill(undefined);
    this.predictions = new Array<Remembered>(remember).fill(SCORED);
    this.scoredRows = registry.counter('modeldock_feedback_rows_total', 'Predicted rows scored against a ground-truth outcome sent to POST /feedback.');
    this.rolling = kind === 'classes'
      ? registry.gauge('modeldock_feedback_accuracy', 'Share of the last scored rows predicted right (rolling accuracy; NaN before any feedback).')
      : registry.gauge('modeldock_feedback_mean_absolute_error', 'Mean absolute error of the last scored rows (rolling; NaN before any feedback).');
    this.windowRows = registry.gauge('modeldock_feedback_window_rows', 'Scored rows the rolling accuracy or error is computed over.');
    this.rolling.set(NaN);
  }

  /** Called once per answered request with what it predicted (one entry per row); seq -1 = a client's id. */
  record(id: string, seq: number, predicted: ReadonlyArray<string | number>): void {
    if (this.remember === 0) return;
    const value = predicted.length === 1 ? predicted[0] : [...predicted];
    if (seq >= 0) {
      const at = seq % this.remember;
      this.serverSeqs[at] = seq;
      this.serverPredictions[at] = value;
      return;
    }
    // The oldest slot is reused (no scan: a Map's first key after many deletions costs a walk over the holes).
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.remember;
    const evicted = this.ids[slot];
    if (evicted !== undefined && this.slots.get(evicted) === slot) this.slots.delete(evicted);
    this.ids[slot] = id;
    this.predictions[slot] = value;
    // A client may reuse an id: the latest prediction wins.
    this.slots.set(id, slot);
  }

  score(id: unknown, outcome: unknown): FeedbackAnswer {
    if (typeof id !== 'string' || id === '') throw badRequest('"id" must be the request id of a prediction (the X-Request-Id header of its answer).');
    const found = this.find(id);
    const entry = found?.predictions[found.slot];
    if (!found || entry === undefined) {
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
    found.predictions[found.slot] = SCORED;
    this.scoredRows.inc(undefined, rows);
    this.rolling.set(this.sum / this.filled);
    this.windowRows.set(this.filled);
    return answer;
  }

  /** Where a prediction is remembered: a client's id first, then an id the server assigned. */
  private find(id: string): { predictions: Remembered[]; slot: number } | null {
    const slot = this.slots.get(id);
    if (slot !== undefined) return { predictions: this.predictions, slot };
    if (!/^[0-9a-z]{1,11}$/.test(id)) return null;
    const seq = parseInt(id, 36);
    if (!Number.isSafeInteger(seq) || seq.toString(36).padStart(6, '0') !== id) return null;
    const at = seq % this.remember;
    return this.serverSeqs[at] === seq ? { predictions: this.serverPredictions, slot: at } : null;
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
