import { useState } from 'react';
import type { ServeMetricsResponse } from '../../../shared/schemas/serve';
import { api } from '../../api/client';
import { formatBytes, formatMs } from '../../format';
import { Sparkline } from './Sparkline';
import { usePoll } from './use-poll';

/** Live numbers from the server's /metrics: traffic, latency, errors and memory, each with its last minute. */
export function MetricsCards({ modelPath, live }: { modelPath: string; live: boolean }) {
  const [metrics, setMetrics] = useState<ServeMetricsResponse | null>(null);
  usePoll(async () => setMetrics(await api.call('serve.metrics', { modelPath })), 2000, live);

  const latest = metrics?.latest ?? null;
  const history = metrics?.history ?? [];
  const rps = latest?.requestsPerSecond ?? null;
  const p50 = latest?.p50Ms ?? null;
  const p99 = latest?.p99Ms ?? null;
  const rss = latest?.rssBytes ?? null;
  return (
    <section className={`metric-grid ${!live && latest ? 'metric-stale' : ''}`} aria-label="Server metrics" data-testid="serve-metrics"
      data-samples={history.length} title={!live && latest ? 'The server is not running: these are its last values.' : undefined}>
      <MetricCard
        title="Requests"
        value={rps === null ? '—' : rps >= 100 ? rps.toFixed(0) : rps.toFixed(1)}
        unit="req/s"
        foot={latest ? `${latest.requests.toLocaleString('en-US')} served since start` : 'No traffic yet'}
        help="Requests answered per second over the last couple of seconds (this page's own metric reads not counted)."
        testId="metric-rps"
      >
        <Sparkline values={history.map((s) => s.requestsPerSecond)} label="Requests per second, last minute" testId="spark-rps" />
      </MetricCard>
      <MetricCard
        title="Latency p50 / p99"
        value={p50 === null ? '—' : `${formatMs(p50).value}`}
        unit={p50 === null ? '' : formatMs(p50).unit}
        extra={p99 === null ? undefined : `p99 ${formatMs(p99).value} ${formatMs(p99).unit}`}
        foot={latest?.latencyScope === 'all' ? 'All requests since start (none just now)' : latest?.latencyScope === 'recent' ? 'Requests in the last couple of seconds' : 'No traffic yet'}
        help="Half of the requests finished faster than p50; 99 in 100 faster than p99. Estimated from the server's latency histogram."
        testId="metric-latency"
      >
        <Sparkline values={history.map((s) => s.p50Ms)} secondary={history.map((s) => s.p99Ms)} label="Latency p50 and p99, last minute" testId="spark-latency" />
      </MetricCard>
      <MetricCard
        title="Errors"
        value={latest ? latest.errors.toLocaleString('en-US') : '—'}
        unit={latest ? 'total' : ''}
        tone={latest && latest.serverErrors > 0 ? 'bad' : latest && latest.errors > 0 ? 'warn' : undefined}
        foot={latest ? `${plural(latest.clientErrors, 'bad request')} (4xx) · ${plural(latest.serverErrors, 'server fault')} (5xx)` : 'No traffic yet'}
        help="4xx: the client sent something the model cannot take (the answer says what). 5xx: the server itself failed or was overloaded."
        testId="metric-errors"
      >
        <Sparkline values={history.map((s) => s.errorsPerSecond)} label="Errors per second, last minute" testId="spark-errors" />
      </MetricCard>
      <MetricCard
        title="Memory"
        value={rss === null ? '—' : formatBytes(rss).value}
        unit={rss === null ? '' : formatBytes(rss).unit}
        foot={latest ? `${latest.inFlight ?? 0} in flight · ${latest.queueDepth ?? 0} queued${latest.cpuCores !== null ? ` · CPU ${(latest.cpuCores * 100).toFixed(0)}%` : ''}` : metrics?.note ?? 'Starts with the server'}
        help="Resident memory of the server process (model weights, ONNX Runtime and buffers). It should level off, not keep growing."
        testId="metric-memory"
      >
        <Sparkline values={history.map((s) => s.rssBytes)} label="Memory, last minute" testId="spark-memory" />
      </MetricCard>
    </section>
  );
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

interface MetricCardProps {
  title: string;
  value: string;
  unit: string;
  extra?: string;
  foot: string;
  help: string;
  tone?: 'warn' | 'bad';
  testId: string;
  children: React.ReactNode;
}

function MetricCard({ title, value, unit, extra, foot, help, tone, testId, children }: MetricCardProps) {
  return (
    <div className={`card metric-card ${tone ? `metric-${tone}` : ''}`} title={help} data-testid={testId}>
      <div className="metric-title">{title}</div>
      <div className="metric-value-row">
        <span className="metric-value" data-testid={`${testId}-value`}>{value}</span>
        {unit && <span className="stat-unit">{unit}</span>}
        {extra && <span className="metric-extra" data-testid={`${testId}-extra`}>{extra}</span>}
      </div>
      {children}
      <div className="metric-foot">{foot}</div>
    </div>
  );
}
