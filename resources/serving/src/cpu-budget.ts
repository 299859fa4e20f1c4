import * as fs from 'node:fs';
import * as os from 'node:os';

/**
 * How many CPUs this process may really use: the smaller of os.availableParallelism() (affinity-aware) and the
 * cgroup v2 CPU quota (cpu.max: "quota period", or "max" when unlimited). Docker's --cpus=1.5 becomes 2 threads
 * (rounded up: a fractional CPU still runs a thread, just throttled), never more than the machine has.
 */
export function availableCpus(cpuMaxPath = '/sys/fs/cgroup/cpu.max', cgroupV1CpuDir = '/sys/fs/cgroup/cpu'): { cpus: number; source: string } {
  const parallel = Math.max(1, os.availableParallelism());
  const quota = readCgroupQuota(cpuMaxPath);
  if (quota !== null && quota < parallel) return { cpus: quota, source: 'cgroup cpu.max' };
  // Hosts still on cgroup v1 (older distributions, some CI runners) give Docker's --cpus as a CFS quota.
  const v1 = readCgroupV1Quota(cgroupV1CpuDir);
  if (v1 !== null && v1 < parallel) return { cpus: v1, source: 'cgroup v1 cpu.cfs_quota_us' };
  return { cpus: parallel, source: 'os.availableParallelism' };
}

export function readCgroupV1Quota(cpuDir: string): number | null {
  try {
    const q = Number(fs.readFileSync(`${cpuDir}/cpu.cfs_quota_us`, 'utf8').trim());
    const p = Number(fs.readFileSync(`${cpuDir}/cpu.cfs_period_us`, 'utf8').trim());
    if (!(q > 0) || !(p > 0)) return null; // -1: no limit
    return Math.max(1, Math.ceil(q / p));
  } catch {
    return null;
  }
}

export function readCgroupQuota(cpuMaxPath: string): number | null {
  try {
    const [quota, period] = fs.readFileSync(cpuMaxPath, 'utf8').trim().split(/\s+/);
    if (quota === 'max') return null;
    const q = Number(quota);
    const p = Number(period);
    if (!(q > 0) || !(p > 0)) return null;
    return Math.max(1, Math.ceil(q / p));
  } catch {
    return null;
  }
}

export interface ThreadPlan {
  /** Inference worker threads, each with its own ONNX Runtime session. */
  workers: number;
  /** ONNX Runtime intra-op threads per session; workers * intraOpThreads <= budget. */
  intraOpThreads: number;
  /** The total ONNX Runtime may use. */
  budget: number;
  cpus: number;
  cpuSource: string;
}

/**
 * The split of the thread budget. One session with every thread is fastest for any model that parallelises inside
 * (convolutions, big matrices), and a single busy session is what dynamic batching feeds best: while it runs, the
 * next batch gathers. Measured on 2 cores (README, "Threads"): iris-size MLP 1x2 vs 2x1 within noise once
 * batching is on; the 32x32 CNN 1x2 ahead. So the default is one worker; MODELDOCK_WORKERS asks for more, each
 * getting an equal share of the budget (at least one thread).
 */
export function planThreads(configuredThreads: number, requestedWorkers: number | null, cpuMaxPath?: string): ThreadPlan {
  const { cpus, source } = availableCpus(cpuMaxPath);
  const budget = configuredThreads > 0 ? Math.min(configuredThreads, cpus) : cpus;
  const workers = Math.max(1, Math.min(requestedWorkers ?? 1, budget));
  const intraOpThreads = Math.max(1, Math.floor(budget / workers));
  return { workers, intraOpThreads, budget, cpus, cpuSource: source };
}
