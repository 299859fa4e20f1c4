/**
 * The arithmetic of drift, shared by the engine (computing a reference profile) and the serving runtime (scoring
 * live inputs against it): bin lookup by binary search, quantile bin edges, and the population stability index.
 */

/** Bin of a value for ascending interior edges: bin i holds (edges[i-1], edges[i]]; edges.length + 1 bins. */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bin of an integer-coded value among ascending categories; categories.length (the "other" bin) when absent. */
export function categoryIndex(categories: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = categories.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = categories[mid];
    if (c === value) return mid;
    if (c < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return categories.length;
}

/**
 * Interior edges at the sample's quantiles (bins of roughly equal reference share); repeated values collapse, so a
 * feature with few distinct values gets fewer bins. `sorted` must be ascending and finite.
 */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  const n = sorted.length;
  if (n === 0) return edges;
  for (let k = 1; k < bins; k++) {
    const at = Math.min(n - 1, Math.max(0, Math.floor((k * n) / bins) - 1));
    const edge = sorted[at];
    // The top value as an edge would leave an empty last bin.
    if (edge >= sorted[n - 1]) break;
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Shares below this count as this: an empty bin would make PSI infinite. */
const FLOOR = 1e-4;

/**
 * Population stability index: sum over bins of (actual - expected) * ln(actual / expected), with shares floored.
 * 0 = same distribution; < 0.1 little change, 0.1-0.2 some, > 0.2 significant. NaN when there are no actual rows.
 */
export function psi(expected: ArrayLike<number>, actualCounts: ArrayLike<number>, offset = 0): number {
  let total = 0;
  for (let i = 0; i < expected.length; i++) total += actualCounts[offset + i];
  if (total <= 0) return NaN;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], FLOOR);
    const a = Math.max(actualCounts[offset + i] / total, FLOOR);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
