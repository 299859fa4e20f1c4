/**
 * A reader for the Prometheus text exposition format (version 0.0.4): `# HELP` / `# TYPE` comments and sample
 * lines `name{label="value",...} value [timestamp]`. Enough to summarise a server's own /metrics; lines it cannot
 * read are skipped rather than failing the whole scrape.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name -> type (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
}

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const match = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (match) types.set(match[1], match[2]);
      continue;
    }
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
  }
  return { samples, types };
}

function parseSampleLine(line: string): Sample | null {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') { i++; break; }
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(i));
      if (!labelMatch) return null;
      i += labelMatch[0].length;
      let value = '';
      for (;;) {
        const ch = line[i];
        if (ch === undefined) return null;
        if (ch === '\\') {
          const next = line[i + 1];
          value += next === 'n' ? '\n' : next ?? '';
          i += 2;
          continue;
        }
        if (ch === '"') { i++; break; }
        value += ch;
        i++;
      }
      labels[labelMatch[1]] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (value === null) return null;
  return { name, labels, value };
}

function parseValue(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** Samples of one name whose labels pass the filter. */
export function samplesOf(exposition: Exposition, name: string, keep: (labels: Record<string, string>) => boolean = () => true): Sample[] {
  return exposition.samples.filter((s) => s.name === name && keep(s.labels));
}

export function sumOf(exposition: Exposition, name: string, keep?: (labels: Record<string, string>) => boolean): number | null {
  const found = samplesOf(exposition, name, keep);
  return found.length ? found.reduce((total, s) => total + s.value, 0) : null;
}

/** Cumulative bucket counts by upper bound, summed over every series of the histogram that passes the filter. */
export function histogramBuckets(exposition: Exposition, name: string, keep?: (labels: Record<string, string>) => boolean): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of samplesOf(exposition, `${name}_bucket`, keep)) {
    const le = s.labels.le === undefined ? null : parseValue(s.labels.le);
    if (le === null || Number.isNaN(le)) continue;
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

/**
 * The q-quantile (0..1) of a histogram from its cumulative buckets, interpolating linearly inside the bucket that
 * holds it, as Prometheus' histogram_quantile does. Beyond the last finite bound it answers that bound.
 * Null when the histogram has no observations.
 */
export function histogramQuantile(q: number, buckets: Map<number, number>): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  if (bounds.length === 0) return null;
  const total = buckets.get(Infinity) ?? buckets.get(bounds[bounds.length - 1]) ?? 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return previousBound;
      const inBucket = count - previousCount;
      if (inBucket <= 0) return bound;
      const lower = previousBound > bound ? 0 : previousBound;
      return lower + (bound - lower) * ((rank - previousCount) / inBucket);
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}

/** Bucket counts of `now` minus `before` (a counter reset shows as the new counts). */
export function bucketDelta(now: Map<number, number>, before: Map<number, number> | null): Map<number, number> {
  if (!before) return new Map(now);
  const out = new Map<number, number>();
  let reset = false;
  for (const [bound, count] of now) if (count < (before.get(bound) ?? 0)) reset = true;
  for (const [bound, count] of now) out.set(bound, reset ? count : count - (before.get(bound) ?? 0));
  return out;
}
