import { useState } from 'react';
import type { Response } from '../../../shared/contract';
import type { ContainerStatus } from '../../../shared/schemas/docker';
import { api } from '../../api/client';
import { coresText, formatBytes } from '../../format';
import { Sparkline } from './Sparkline';
import { usePoll } from './use-poll';

type Stats = Response<'container.stats'>;

/** The container's CPU and memory as Docker measures them, against its limits, with the last minute as a line. */
export function ContainerStats({ container, live }: { container: ContainerStatus | null; live: boolean }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const id = container?.id ?? null;
  usePoll(async () => {
    if (id) setStats(await api.call('container.stats', { id }));
  }, 2000, live && !!id);

  const latest = stats?.latest ?? null;
  const history = stats?.history ?? [];
  const cpuLimit = container?.cpus ?? null;
  const memory = latest ? formatBytes(latest.memoryBytes) : null;
  const memoryLimit = latest?.memoryLimitBytes ?? (container?.memoryMB ? container.memoryMB * 1024 * 1024 : null);
  const stale = !live && !!latest;
  return (
    <section className={`metric-grid metric-grid-2 ${stale ? 'metric-stale' : ''}`} aria-label="Container resources" data-testid="container-stats" data-samples={history.length}>
      <div className="card metric-card" data-testid="stat-cpu" title="1 core = one processor core fully busy. Near the limit, requests queue and latency grows.">
        <div className="metric-title">CPU</div>
        <div className="metric-value-row">
          <span className="metric-value" data-testid="stat-cpu-value">{latest ? latest.cpuCores.toFixed(2) : '—'}</span>
          {latest && <span className="stat-unit">cores</span>}
          <span className="metric-extra">{cpuLimit ? `limit ${coresText(cpuLimit)}` : 'no limit'}</span>
        </div>
        <Sparkline values={history.map((s) => s.cpuCores)} label="CPU cores used, last minute" testId="spark-cpu" />
        <div className="metric-foot">{latest && cpuLimit ? `${Math.round((latest.cpuCores / cpuLimit) * 100)}% of the limit` : live ? 'Measured by Docker every couple of seconds' : 'Starts with the container'}</div>
      </div>
      <div className="card metric-card" data-testid="stat-memory" title="Memory the container uses. It should level off after warm-up; steady growth means a leak.">
        <div className="metric-title">Memory</div>
        <div className="metric-value-row">
          <span className="metric-value" data-testid="stat-memory-value">{memory ? memory.value : '—'}</span>
          {memory && <span className="stat-unit">{memory.unit}</span>}
          <span className="metric-extra">{memoryLimit && container?.memoryMB ? `limit ${container.memoryMB} MB` : 'no limit'}</span>
        </div>
        <Sparkline values={history.map((s) => s.memoryBytes)} label="Memory used, last minute" testId="spark-container-memory" />
        <div className="metric-foot">{latest && container?.memoryMB && memoryLimit ? `${Math.round((latest.memoryBytes / memoryLimit) * 100)}% of the limit` : live ? 'Model, ONNX Runtime and buffers' : 'Starts with the container'}</div>
      </div>
    </section>
  );
}
