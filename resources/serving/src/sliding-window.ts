import { binIndex, categoryIndex } from '../../../main/monitoring/drift-math';

/**
 * Bounded memory for "the last N rows": the window is a ring of `slots` sub-windows of N/slots rows each, and
 * every sub-window keeps, per feature, count, sum, sum of squares, min, max and (when the feature has bins) one
 * counter per bin. A new row goes into the current slot; when it is full the oldest slot is cleared and reused.
 * Memory is slots x (5 x features + bins) numbers whatever the traffic, and a row costs one binary search per
 * binned feature. Reading (at scrape time) sums the slots.
 */
export interface BinSpec {
  /** 'numeric': keys are interior edges (keys.length + 1 bins); 'categorical': keys are the values, plus "other". */
  kind: 'numeric' | 'categorical' | 'none';
  keys: number[];
}

export interface FeatureSnapshot {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export class SlidingWindow {
  private readonly perSlot: number;
  private readonly slotRows: Float64Array;
  private current = 0;
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly binStart: Int32Array;
  private readonly binTotal: number;
  private readonly bins: Uint32Array;
  private readonly kinds: Uint8Array;
  private readonly keys: Float64Array[];
  /** Scratch for totals, reused by every read. */
  private readonly binSums: Float64Array;

  constructor(readonly width: number, specs: BinSpec[], windowRows: number, readonly slots = 10) {
    this.perSlot = Math.max(1, Math.ceil(windowRows / slots));
    this.slotRows = new Float64Array(slots);
    const cells = slots * width;
    this.count = new Float64Array(cells);
    this.sum = new Float64Array(cells);
    this.sumSq = new Float64Array(cells);
    this.min = new Float64Array(cells).fill(Infinity);
    this.max = new Float64Array(cells).fill(-Infinity);
    this.kinds = new Uint8Array(width);
    this.keys = [];
    this.binStart = new Int32Array(width + 1);
    let total = 0;
    for (let f = 0; f < width; f++) {
      const spec = specs[f] ?? { kind: 'none', keys: [] };
      this.kinds[f] = spec.kind === 'numeric' ? 1 : spec.kind === 'categorical' ? 2 : 0;
      this.keys.push(Float64Array.from(spec.keys));
      this.binStart[f] = total;
      total += spec.kind === 'none' ? 0 : spec.keys.length + 1;
    }
    this.binStart[width] = total;
    this.binTotal = total;
    this.bins = new Uint32Array(slots * total);
    this.binSums = new Float64Array(total);
  }

  /** Rows currently inside the window. */
  get rows(): number {
    let n = 0;
    for (let s = 0; s < this.slots; s++) n += this.slotRows[s];
    return n;
  }

  /** Adds `rows` rows of `width` values each (row-major; NaN = missing). */
  add(values: ArrayLike<number>, rows: number): void {
    const width = this.width;
    for (let r = 0; r < rows; r++) {
      if (this.slotRows[this.current] >= this.perSlot) this.rotate();
      const slot = this.current;
      this.slotRows[slot]++;
      const cell = slot * width;
      const binBase = slot * this.binTotal;
      for (let f = 0, at = r * width; f < width; f++, at++) {
        const v = values[at];
        if (v !== v) continue; // NaN: missing
        const c = cell + f;
        this.count[c]++;
        this.sum[c] += v;
        this.sumSq[c] += v * v;
        if (v < this.min[c]) this.min[c] = v;
        if (v > this.max[c]) this.max[c] = v;
        const kind = this.kinds[f];
        if (kind === 1) this.bins[binBase + this.binStart[f] + binIndex(this.keys[f], v)]++;
        else if (kind === 2) this.bins[binBase + this.binStart[f] + categoryIndex(this.keys[f], v)]++;
      }
    }
  }

  private rotate(): void {
    this.current = (this.current + 1) % this.slots;
    const slot = this.current;
    this.slotRows[slot] = 0;
    const from = slot * this.width;
    this.count.fill(0, from, from + this.width);
    this.sum.fill(0, from, from + this.width);
    this.sumSq.fill(0, from, from + this.width);
    this.min.fill(Infinity, from, from + this.width);
    this.max.fill(-Infinity, from, from + this.width);
    this.bins.fill(0, slot * this.binTotal, (slot + 1) * this.binTotal);
  }

  summary(f: number): FeatureSnapshot {
    let count = 0;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let s = 0; s < this.slots; s++) {
      const c = s * this.width + f;
      count += this.count[c];
      sum += this.sum[c];
      sumSq += this.sumSq[c];
      if (this.min[c] < min) min = this.min[c];
      if (this.max[c] > max) max = this.max[c];
    }
    if (count === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN };
    const mean = sum / count;
    return { count, mean, std: Math.sqrt(Math.max(0, sumSq / count - mean * mean)), min, max };
  }

  /** Bin counts of a feature over the window, in a scratch array valid until the next call (offset = binStart). */
  binCounts(f: number): { counts: Float64Array; offset: number; length: number } {
    const start = this.binStart[f];
    const length = this.binStart[f + 1] - start;
    for (let b = 0; b < length; b++) {
      let n = 0;
      for (let s = 0; s < this.slots; s++) n += this.bins[s * this.binTotal + start + b];
      this.binSums[start + b] = n;
    }
    return { counts: this.binSums, offset: start, length };
  }
}
