import * as http from 'node:http';
import { ModelDockError } from '../../shared/errors';

/**
 * A small closed-loop load generator: `concurrency` clients on keep-alive connections each send the same request
 * again as soon as the previous answer arrived, for `durationSeconds`. Latency is measured per request from
 * the first byte sent to the last byte read, as a client of the model would see it.
 */

export interface LoadTestTarget {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface LoadTestOptions {
  concurrency: number;
  durationSeconds: number;
  signal?: AbortSignal;
  onProgress?: (progress: { elapsedSeconds: number; durationSeconds: number; requests: number; errors: number; requestsPerSecond: number }) => void;
  /** How often progress is reported. */
  progressIntervalMs?: number;
}

export interface LoadTestNumbers {
  requests: number;
  errors: number;
  /** Seconds actually measured (the last requests may end a little after the deadline). */
  elapsedSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  histogram: Array<{ ms: number; count: number }>;
  /** What the first failed request said, for the report. */
  firstError: string | null;
}

const REQUEST_TIMEOUT_MS = 30_000;

function sendOnce(agent: http.Agent, url: URL, target: LoadTestTarget, body: Buffer): Promise<{ ok: boolean; ms: number; error: string | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request({
      agent,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: target.method,
      headers: { ...target.headers, 'Content-Length': String(body.length) },
      timeout: REQUEST_TIMEOUT_MS,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => { if (chunks.length < 4) chunks.push(chunk); });
      response.on('end', () => {
        const ms = performance.now() - started;
        const ok = (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
        resolve({ ok, ms, error: ok ? null : `HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}` });
      });
      response.on('error', (error) => resolve({ ok: false, ms: performance.now() - started, error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on('error', (error) => resolve({ ok: false, ms: performance.now() - started, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    request.end(body);
  });
}

export async function runLoadTest(target: LoadTestTarget, options: LoadTestOptions): Promise<LoadTestNumbers> {
  const url = new URL(target.url);
  const body = typeof target.body === 'string' ? Buffer.from(target.body) : target.body;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;

  const progress = () => {
    const seconds = elapsed();
    const requests = latencies.length + errors;
    options.onProgress?.({
      elapsedSeconds: Math.min(seconds, options.durationSeconds),
      durationSeconds: options.durationSeconds,
      requests,
      errors,
      requestsPerSecond: seconds > 0 ? latencies.length / seconds : 0,
    });
  };
  const timer = setInterval(progress, options.progressIntervalMs ?? 500);

  const client = async () => {
    while (performance.now() < deadline && !options.signal?.aborted) {
      const result = await sendOnce(agent, url, target, body);
      if (result.ok) latencies.push(result.ms);
      else {
        errors++;
        firstError ??= result.error;
        // A server that refuses everything should not be hammered in a tight loop.
        if (result.ms < 5) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    clearInterval(timer);
    agent.destroy();
  }
  if (options.signal?.aborted) {
    throw new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: 'The load test was cancelled.' });
  }
  const seconds = elapsed();
  progress();
  if (latencies.length === 0) {
    throw new ModelDockError({
      code: 'load-test-failed',
      title: 'Every request of the load test failed',
      message: `${errors} request${errors === 1 ? '' : 's'} sent to ${target.url}, none answered successfully (first: ${firstError ?? 'unknown'}).`,
      fix: 'Send one test request first (Try) and fix what it reports; then run the load test again.',
    });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length + errors,
    errors,
    elapsedSeconds: seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1],
    histogram: latencyHistogram(sorted),
    firstError,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Buckets with log-spaced upper bounds between the fastest and slowest request (latency spreads over orders of
 * magnitude, so equal widths would put everything in one bar). Every request falls in exactly one bucket.
 */
export function latencyHistogram(sorted: number[], buckets = 24): Array<{ ms: number; count: number }> {
  if (sorted.length === 0) return [];
  const low = Math.max(sorted[0], 0.01);
  const high = Math.max(sorted[sorted.length - 1], low * 1.0001);
  const ratio = Math.pow(high / low, 1 / buckets);
  const bounds = Array.from({ length: buckets }, (_, i) => low * Math.pow(ratio, i + 1));
  bounds[buckets - 1] = high;
  const counts = new Array<number>(buckets).fill(0);
  let b = 0;
  for (const value of sorted) {
    while (b < buckets - 1 && value > bounds[b]) b++;
    counts[b]++;
  }
  return bounds.map((ms, i) => ({ ms: Number(ms.toPrecision(4)), count: counts[i] }));
}
