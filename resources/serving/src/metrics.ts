/**
 * A small Prometheus registry: counters, gauges and histograms with labels, written in the text exposition format
 * (version 0.0.4): HELP and TYPE once per family, label values escaped, histogram buckets cumulative with a final
 * le="+Inf" equal to _count. Label sets are bounded by the caller (routes are templates, classes are labels).
 */
type Labels = Record<string, string>;

abstract class Metric {
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {}
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  abstract render(lines: string[]): void;

  protected key(labels: Labels | undefined): string {
    const names = this.labelNames;
    if (!names.length || !labels) return names.length ? '\u0000'.repeat(names.length - 1) : '';
    // Per request on the hot path: no intermediate array.
    let key = labels[names[0]] ?? '';
    for (let i = 1; i < names.length; i++) key += `\u0000${labels[names[i]] ?? ''}`;
    return key;
  }

  protected labelText(key: string, extra = ''): string {
    if (!this.labelNames.length) return extra ? `{${extra}}` : '';
    const values = key.split('\u0000');
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
    if (extra) pairs.push(extra);
    return `{${pairs.join(',')}}`;
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  inc(labels?: Labels, by = 1): void {
    const key = this.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** For counters kept elsewhere (process CPU seconds): the current total. */
  set(value: number, labels?: Labels): void {
    this.values.set(this.key(labels), value);
  }

  get(labels?: Labels): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  render(lines: string[]): void {
    if (!this.labelNames.length && !this.values.size) this.values.set('', 0);
    for (const [key, value] of this.values) lines.push(`${this.name}${this.labelText(key)} ${formatNumber(value)}`);
  }
}

export class Gauge extends Metric {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();

  set(value: number, labels?: Labels): void {
    this.values.set(this.key(labels), value);
  }

  inc(labels?: Labels, by = 1): void {
    const key = this.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  dec(labels?: Labels, by = 1): void {
    this.inc(labels, -by);
  }

  get(labels?: Labels): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  render(lines: string[]): void {
    if (!this.labelNames.length && !this.values.size) this.values.set('', 0);
    for (const [key, value] of this.values) lines.push(`${this.name}${this.labelText(key)} ${formatNumber(value)}`);
  }
}

interface HistogramSeries {
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
    if (labelNames.includes('le')) throw new Error('"le" is reserved for histogram buckets');
  }

  observe(value: number, labels?: Labels): void {
    const key = this.key(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Stored per bucket (not cumulative); rendering accumulates.
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) { s.counts[i]++; break; }
    }
    s.sum += value;
    s.count++;
  }

  snapshot(labels?: Labels): { count: number; sum: number } {
    const s = this.series.get(this.key(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  render(lines: string[]): void {
    if (!this.labelNames.length && !this.series.size) this.series.set('', { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 });
    for (const [key, s] of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += s.counts[i];
        lines.push(`${this.name}_bucket${this.labelText(key, `le="${formatNumber(this.buckets[i])}"`)} ${cumulative}`);
      }
      lines.push(`${this.name}_bucket${this.labelText(key, 'le="+Inf"')} ${s.count}`);
      lines.push(`${this.name}_sum${this.labelText(key)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${this.labelText(key)} ${s.count}`);
    }
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  private readonly collectors: Array<() => void> = [];

  register<M extends Metric>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []): Histogram {
    return this.register(new Histogram(name, help, labelNames, buckets));
  }

  /** Runs before each scrape, to read values kept elsewhere (process CPU, memory). */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  render(): string {
    for (const collect of this.collectors) collect();
    const lines: string[] = [];
    for (const m of this.metrics) {
      lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`);
      lines.push(`# TYPE ${m.name} ${m.type}`);
      m.render(lines);
    }
    return `${lines.join('\n')}\n`;
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
