import type { ReactNode } from 'react';
import type { MonitorSample } from '../../../shared/schemas/monitor-live';
import { formatBytes, formatMs } from '../../format';
import { Sparkline } from '../run/Sparkline';
import type { Thresholds } from './use-monitor-spec';

/** System and application level: request rate, error rate, latency, CPU and memory, each with its recent trend. */
export function LiveMetrics({ latest, history, thresholds, stale }: { latest: MonitorSample | null; history: MonitorSample[]; thresholds: Thresholds; stale: boolean }) {
  const rps = latest?.requestsPerSecond ?? null;
  const errorRate = latest?.serverErrorRate ?? null;
  const p50 = latest?.p50Ms ?? null;
  const p99 = latest?.p99Ms ?? null;
  const cpu = latest?.cpuCores ?? null;
  const rss = latest?.rssBytes ?? null;
  const latencyOver = latest?.latencyScope === 'recent' && p99 !== null && p99 > thresholds.latencyP99Ms;
  return (
    <section className={`metric-grid monitor-metrics ${stale ? 'metric-stale' : ''}`} aria-label="Live metrics" data-testid="monitor-metrics" data-samples={history.length}>
      <Tile title="Requests" value={rps === null ? '—' : rps >= 100 ? rps.toFixed(0) : rps.toFixed(1)} unit="req/s" testId="mon-rps"
        foot={latest ? `${latest.requests.toLocaleString('en-US')} since start` : 'Waiting for the first reading'}>
        <Sparkline values={history.map((s) => s.requestsPerSecond)} label="Requests per second" testId="mon-spark-rps" />
      </Tile>
      <Tile title="Server errors" value={errorRate === null ? '—' : `${(errorRate * 100).toFixed(1)}`} unit={errorRate === null ? '' : '%'} testId="mon-errors"
        tone={errorRate !== null && errorRate > thresholds.errorRate ? 'bad' : undefined}
        foot={latest ? `${latest.serverErrors} 5xx · ${latest.clientErrors} 4xx since start · alert over ${(thresholds.errorRate * 100).toFixed(1)}%` : '5xx share of recent answers'}>
        <Sparkline values={history.map((s) => (s.serverErrorRate === null ? null : s.serverErrorRate * 100))} label="Server error rate" testId="mon-spark-errors" />
      </Tile>
      <Tile title="Latency p50 / p99" value={p50 === null ? '—' : formatMs(p50).value} unit={p50 === null ? '' : formatMs(p50).unit} testId="mon-latency"
        extra={p99 === null ? undefined : `p99 ${formatMs(p99).value} ${formatMs(p99).unit}`} tone={latencyOver ? 'warn' : undefined}
        foot={`Target: p99 under ${thresholds.latencyP99Ms} ms`}>
        <Sparkline values={history.map((s) => s.p50Ms)} secondary={history.map((s) => s.p99Ms)} label="Latency p50 and p99" testId="mon-spark-latency" />
      </Tile>
      <Tile title="CPU" value={cpu === null ? '—' : (cpu * 100).toFixed(0)} unit={cpu === null ? '' : '%'} testId="mon-cpu"
        foot="Of one core, by the server process">
        <Sparkline values={history.map((s) => (s.cpuCores === null ? null : s.cpuCores * 100))} label="CPU use" testId="mon-spark-cpu" />
      </Tile>
      <Tile title="Memory" value={rss === null ? '—' : formatBytes(rss).value} unit={rss === null ? '' : formatBytes(rss).unit} testId="mon-memory"
        foot={latest ? `${latest.inFlight ?? 0} in flight · ${latest.queueDepth ?? 0} queued` : 'Resident memory'}>
        <Sparkline values={history.map((s) => s.rssBytes)} label="Memory" testId="mon-spark-memory" />
      </Tile>
    </section>
  );
}

interface TileProps { title: string; value: string; unit: string; extra?: string; foot: string; tone?: 'warn' | 'bad'; testId: string; children: ReactNode }

function Tile({ title, value, unit, extra, foot, tone, testId, children }: TileProps) {
  return (
    <div className={`card metric-card ${tone ? `metric-${tone}` : ''}`} data-testid={testId}>
      <div className="metric-title">{title}</div>
      <div className="metric-value-row">
        <span className="metric-value" data-testid={`${testId}-value`}>{value}</span>
        {unit && <span className="stat-unit">{unit}</span>}
        {extra && <span className="metric-extra">{extra}</span>}
      </div>
      {children}
      <div className="metric-foot">{foot}</div>
    </div>
  );
}
