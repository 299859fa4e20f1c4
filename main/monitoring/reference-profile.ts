import {
  PROFILE_VERSION, type FeatureProfile, type FeatureSource, type MonitoringProfile, type OutputProfile, type SummaryStats,
} from '../../shared/schemas/monitoring';
import type { HostTensor } from '../inference/host-tensor';
import { binIndex, categoryIndex, quantileEdges } from './drift-math';
import { extractFeatures } from './feature-plan';
import { outputKind, rowClassIndex, rowValue } from './output-kind';

/**
 * A reference profile from sample inputs (and, when the model was run on them, its outputs): per feature the
 * summary statistics and either quantile bin edges with each bin's share (numeric) or the share of each value
 * (integer-coded with few values: categorical). The runtime scores live inputs against exactly these bins.
 */
export interface ProfileOptions {
  /** Numeric bins per feature (fewer when the sample has few distinct values). */
  bins: number;
  /** File name of the data, recorded in the profile. */
  source: string;
  labels?: string[] | null;
  now?: Date;
}

/** A column whose values are all whole numbers and at most this many distinct ones is categorical. */
const MAX_CATEGORIES = 12;

export function computeReferenceProfile(
  feeds: HostTensor[], features: FeatureSource[], options: ProfileOptions, primaryOutput?: HostTensor | null,
): MonitoringProfile {
  const holder = { buffer: new Float64Array(0) };
  const rows = extractFeatures(feeds, features, holder);
  const width = features.length;
  const profiled: FeatureProfile[] = features.map((feature, f) => {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      const v = holder.buffer[r * width + f];
      if (!Number.isNaN(v)) values.push(v);
    }
    return profileFeature(feature, values, options.bins);
  });
  return {
    version: PROFILE_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    source: options.source,
    sampleCount: rows,
    features: profiled,
    output: primaryOutput ? profileOutput(primaryOutput, options) : null,
  };
}

function profileFeature(feature: FeatureSource, values: number[], bins: number): FeatureProfile {
  const stats = summarise(values);
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (values.length > 0 && distinct.length <= MAX_CATEGORIES && distinct.every(Number.isInteger)) {
    const counts = new Array<number>(distinct.length + 1).fill(0);
    for (const v of values) counts[categoryIndex(distinct, v)]++;
    return { ...feature, type: 'categorical', categories: distinct, proportions: shares(counts, values.length), stats };
  }
  const sorted = Float64Array.from(values).sort();
  const edges = quantileEdges(sorted, bins);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return { ...feature, type: 'numeric', edges, proportions: shares(counts, values.length), stats };
}

function profileOutput(t: HostTensor, options: ProfileOptions): OutputProfile | null {
  const kind = outputKind(t);
  const rows = t.dims.length > 0 ? t.dims[0] : 1;
  if (rows === 0) return null;
  if (kind === 'class-ids' || kind === 'class-scores') {
    let classCount = kind === 'class-scores' ? t.dims[1] : 0;
    const indices: number[] = [];
    for (let r = 0; r < rows; r++) indices.push(rowClassIndex(t, r, kind));
    if (kind === 'class-ids') classCount = Math.max(options.labels?.length ?? 0, ...indices.map((i) => i + 1));
    if (classCount > 100) return null;
    const counts = new Array<number>(classCount + 1).fill(0);
    for (const i of indices) counts[i >= 0 && i < classCount ? i : classCount]++;
    const classes = Array.from({ length: classCount }, (_, i) => options.labels?.[i] ?? String(i));
    return { name: t.name, kind: 'classes', classes, proportions: shares(counts, rows) };
  }
  if (kind === 'values') {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      const v = rowValue(t, r);
      if (Number.isFinite(v)) values.push(v);
    }
    const edges = quantileEdges(Float64Array.from(values).sort(), options.bins);
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const v of values) counts[binIndex(edges, v)]++;
    return { name: t.name, kind: 'values', edges, proportions: shares(counts, values.length), stats: summarise(values) };
  }
  return null;
}

function shares(counts: number[], total: number): number[] {
  return counts.map((c) => (total > 0 ? c / total : 0));
}

export function summarise(values: number[]): SummaryStats {
  if (values.length === 0) return { count: 0, mean: 0, std: 0, min: 0, max: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { sum += v; if (v < min) min = v; if (v > max) max = v; }
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { count: values.length, mean, std: Math.sqrt(sq / values.length), min, max };
}
