import type Docker from 'dockerode';

/**
 * CPU and memory of a running container from the engine's stats stream (one JSON object about every second),
 * kept as a short history for the sparklines and for the load test's peak figures.
 */

export interface StatsSample {
  at: string;
  /** 1 = one core busy. */
  cpuCores: number;
  memoryBytes: number;
  memoryLimitBytes: number | null;
  networkRxBytes: number;
  networkTxBytes: number;
}

const HISTORY = 60;
/** The engine reports "no limit" as the host's memory or a huge number; above this it is not a limit. */
const NO_LIMIT = 2 ** 60;

interface RawStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/**
 * One sample from one stats object, as `docker stats` computes it: the container's CPU time over the host's in
 * the same interval, times the CPUs; memory without the page cache (cgroup v1 "cache", v2 "inactive_file").
 */
export function sampleFromStats(raw: RawStats, hostMemoryBytes: number | null): StatsSample | null {
  const cpu = raw.cpu_stats;
  const pre = raw.precpu_stats;
  const memory = raw.memory_stats;
  if (!cpu?.cpu_usage || memory?.usage === undefined) return null;
  const cpuDelta = (cpu.cpu_usage.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
  const cpuCores = pre?.system_cpu_usage && systemDelta > 0 && cpuDelta >= 0 ? (cpuDelta / systemDelta) * cpus : 0;
  const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? memory.stats?.cache ?? 0;
  const limit = memory.limit && memory.limit < NO_LIMIT && (hostMemoryBytes === null || memory.limit < hostMemoryBytes) ? memory.limit : null;
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(raw.networks ?? {})) {
    rx += net.rx_bytes ?? 0;
    tx += net.tx_bytes ?? 0;
  }
  return {
    // The time it arrived, on this machine's clock, so it compares with the load test's own timestamps.
    at: new Date().toISOString(),
    cpuCores: Number(cpuCores.toFixed(4)),
    memoryBytes: Math.max(0, memory.usage - cache),
    memoryLimitBytes: limit,
    networkRxBytes: rx,
    networkTxBytes: tx,
  };
}

/** Follows one container's stats stream while it runs; `stop` ends it. Restartable after the stream ends. */
export class StatsSampler {
  readonly history: StatsSample[] = [];
  private stream: NodeJS.ReadableStream | null = null;
  private stopped = false;

  constructor(private readonly container: Docker.Container, private readonly hostMemoryBytes: number | null) {}

  get latest(): StatsSample | null {
    return this.history[this.history.length - 1] ?? null;
  }

  get running(): boolean {
    return this.stream !== null;
  }

  /** Starts following when not already; failures only mean no samples (stats are a nicety, never an error). */
  async start(): Promise<void> {
    if (this.stream || this.stopped) return;
    try {
      const stream = (await this.container.stats({ stream: true })) as unknown as NodeJS.ReadableStream;
      if (this.stopped) {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      this.stream = stream;
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line) this.add(line);
        }
      });
      const ended = () => { if (this.stream === stream) this.stream = null; };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
    } catch {
      this.stream = null;
    }
  }

  stop(): void {
    this.stopped = true;
    const stream = this.stream as unknown as { destroy?: () => void } | null;
    this.stream = null;
    stream?.destroy?.();
  }

  /** Highest CPU and memory seen since `sinceMs` (epoch ms), for the load test's report. */
  peakSince(sinceMs: number): { cpuCores: number | null; memoryBytes: number | null } {
    const recent = this.history.filter((s) => Date.parse(s.at) >= sinceMs);
    if (recent.length === 0) return { cpuCores: null, memoryBytes: null };
    return {
      cpuCores: Math.max(...recent.map((s) => s.cpuCores)),
      memoryBytes: Math.max(...recent.map((s) => s.memoryBytes)),
    };
  }

  private add(line: string): void {
    let raw: RawStats;
    try {
      raw = JSON.parse(line) as RawStats;
    } catch {
      return;
    }
    const sample = sampleFromStats(raw, this.hostMemoryBytes);
    if (!sample) return;
    this.history.push(sample);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }
}
