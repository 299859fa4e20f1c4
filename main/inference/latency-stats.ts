import type { LatencyStats } from '../../shared/schemas/inference';

/** Linear-interpolated percentile of sorted values (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export interface Summary {
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : 0;
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted[0] ?? 0),
    max: round(sorted[sorted.length - 1] ?? 0),
    mean: round(mean),
  };
}

/**
 * The first run pays for lazy allocations and is reported on its own; the statistics cover the rest (or the first
 * run alone when it was the only one).
 */
export function latencyStats(timingsMs: number[]): LatencyStats {
  const firstMs = round(timingsMs[0] ?? 0);
  const rest = timingsMs.length > 1 ? timingsMs.slice(1) : timingsMs;
  return { runs: timingsMs.length, firstMs, ...summarise(rest), samples: rest.map(round) };
}

/** Milliseconds to the microsecond: enough for display, keeps JSON small. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
