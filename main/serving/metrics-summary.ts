import type { MetricsSample } from '../../shared/schemas/serve';
import {
  bucketDelta, histogramBuckets, histogramQuantile, parsePrometheusText, samplesOf, sumOf, type Exposition,
} from './prometheus-text';

const HISTORY_LENGTH = 60;

/** The app's own scrapes of /metrics would otherwise show as steady traffic on an idle server. */
function notOwnScrape(labels: Record<string, string>): boolean {
  const route = labels.route ?? labels.path ?? '';
  return !/(^|\/)metrics$/.test(route);
}

export interface Previous {
  atMs: number;
  requests: number;
  errors: number;
  cpuSeconds: number | null;
  buckets: Map<number, number>;
}

/**
 * Turns successive /metrics scrapes of one server into a readable summary: totals since start, rates and latency
 * quantiles since the previous scrape, and the last 60 samples for sparklines.
 */
export class MetricsTracker {
  private previous: Previous | null = null;
  private readonly samples: MetricsSample[] = [];

  get history(): MetricsSample[] {
    return [...this.samples];
  }

  get latest(): MetricsSample | null {
    return this.samples[this.samples.length - 1] ?? null;
  }

  get lastScrapeMs(): number | null {
    return this.previous?.atMs ?? null;
  }

  add(text: string, atMs = Date.now()): MetricsSample {
    const exposition = parsePrometheusText(text);
    const sample = summarise(exposition, atMs, this.previous);
    this.previous = {
      atMs,
      requests: sample.requests,
      errors: sample.errors,
      cpuSeconds: sample.cpuSeconds,
      buckets: histogramBuckets(exposition, 'modeldock_request_duration_seconds', notOwnScrape),
    };
    this.samples.push(sample);
    if (this.samples.length > HISTORY_LENGTH) this.samples.splice(0, this.samples.length - HISTORY_LENGTH);
    return sample;
  }
}

export function summarise(exposition: Exposition, atMs: number, previous: Previous | null): MetricsSample {
  const statusOf = (labels: Record<string, string>) => Number(labels.status ?? labels.code ?? 0);
  const requests = sumOf(exposition, 'modeldock_requests_total', notOwnScrape) ?? 0;
  const clientErrors = sumOf(exposition, 'modeldock_requests_total', (l) => notOwnScrape(l) && statusOf(l) >= 400 && statusOf(l) < 500) ?? 0;
  const serverErrors = sumOf(exposition, 'modeldock_requests_total', (l) => notOwnScrape(l) && statusOf(l) >= 500) ?? 0;
  const errors = clientErrors + serverErrors;
  const cpuSeconds = sumOf(exposition, 'process_cpu_seconds_total');

  const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;
  const rate = (now: number, before: number | undefined) => (previous && seconds > 0 ? Math.max(0, now - (before ?? 0)) / seconds : null);

  const buckets = histogramBuckets(exposition, 'modeldock_request_duration_seconds', notOwnScrape);
  const recent = bucketDelta(buckets, previous?.buckets ?? null);
  const recentCount = Math.max(...recent.values(), 0);
  const useRecent = previous !== null && recentCount > 0;
  const scoped = useRecent ? recent : buckets;
  const p50 = histogramQuantile(0.5, scoped);
  const p99 = histogramQuantile(0.99, scoped);

  const predictions: Record<string, number> = {};
  for (const s of samplesOf(exposition, 'modeldock_predictions_total')) {
    const key = s.labels.class ?? s.labels.label ?? '?';
    predictions[key] = (predictions[key] ?? 0) + s.value;
  }

  return {
    at: new Date(atMs).toISOString(),
    requests,
    errors,
    clientErrors,
    serverErrors,
    requestsPerSecond: rate(requests, previous?.requests),
    errorsPerSecond: rate(errors, previous?.errors),
    p50Ms: p50 === null ? null : p50 * 1000,
    p99Ms: p99 === null ? null : p99 * 1000,
    latencyScope: p50 === null ? null : useRecent ? 'recent' : 'all',
    inFlight: inFlightBesidesScrape(sumOf(exposition, 'modeldock_in_flight_requests')),
    queueDepth: sumOf(exposition, 'modeldock_queue_depth'),
    rssBytes: sumOf(exposition, 'process_resident_memory_bytes'),
    cpuSeconds,
    cpuCores: cpuSeconds !== null && previous?.cpuSeconds != null ? rate(cpuSeconds, previous.cpuSeconds) : null,
    predictions,
  };
}

/** The runtime counts the /metrics request being answered as in flight; that one is ours, not traffic. */
function inFlightBesidesScrape(value: number | null): number | null {
  return value === null ? null : Math.max(0, value - 1);
}
