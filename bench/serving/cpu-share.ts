/**
 * How much of the machine something else used while a measurement ran. Other work on a shared 2-core box (a
 * compiler, a test run) halves a server's throughput without any fault of its own, so every wrk run records the
 * CPU used by processes that are not the benchmark's: total busy time from /proc/stat minus this process (with
 * its reaped children, i.e. wrk) and every live member of the process groups the benchmark started.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { trackedGroups } from './children';

export interface CpuSample {
  at: number;
  busyTicks: number;
  oursTicks: number;
}

function machineBusyTicks(): number {
  const cpuLine = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  // irq/softirq time is left out: loopback traffic is processed there and belongs to no process, so it would
  // count as foreign. steal stays in (another VM taking this machine's CPUs is real outside load).
  const [, user, nice, system, , , , , steal] = cpuLine.trim().split(/\s+/).map(Number);
  return user + nice + system + steal;
}

/** utime+stime (fields 14, 15) and cutime+cstime (16, 17) of /proc/<pid>/stat; pgrp is field 5. */
function readStat(pid: string): { pgrp: number; self: number; children: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field n is fields[n - 3].
    return { pgrp: Number(fields[2]), self: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/** USER_HZ on Linux: /proc counts CPU time in ticks of 10 ms. */
export const TICKS_PER_SECOND = 100;

/** CPU ticks used so far by the live processes (other than this one) whose process group `inGroup` accepts. */
function liveGroupTicks(inGroup: (pgrp: number) => boolean): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const stat = readStat(entry);
    if (stat && inGroup(stat.pgrp)) ticks += stat.self;
  }
  return ticks;
}

export function sampleCpu(): CpuSample {
  const groups = trackedGroups();
  const me = readStat(String(process.pid));
  const ours = (me ? me.self + me.children : 0) + liveGroupTicks((pgrp) => groups.has(pgrp));
  return { at: performance.now(), busyTicks: machineBusyTicks(), oursTicks: ours };
}

/**
 * CPU ticks used so far by every live process in process group `pgrp`: a server and its workers (the benchmark starts
 * each server as a group leader).
 */
export function groupTicks(pgrp: number): number {
  return liveGroupTicks((group) => group === pgrp);
}

/** CPU ticks of this process's reaped children: wrk's, once it has exited. */
export function reapedChildrenTicks(): number {
  return readStat(String(process.pid))?.children ?? 0;
}

/** Share of the whole machine (0..1) used by other processes between two samples. */
export function foreignShare(before: CpuSample, after: CpuSample): number {
  const capacity = ((after.at - before.at) / 1000) * TICKS_PER_SECOND * os.availableParallelism();
  if (capacity <= 0) return 0;
  const foreign = (after.busyTicks - before.busyTicks) - (after.oursTicks - before.oursTicks);
  return Math.min(1, Math.max(0, foreign / capacity));
}

let quietBudgetMs = 0;
let lastShare = 1;

/** How long, in all, waitForQuiet may spend over the whole run (keeps the run's length bounded). */
export function setQuietBudget(ms: number): void {
  quietBudgetMs = ms;
}

/** The share seen by the latest measurement, so the next one only waits when the machine was busy. */
export function noteShare(share: number): void {
  lastShare = share;
}

/**
 * When the latest measurement saw other load, waits (1 s probes, bounded by the run's remaining budget) until
 * other processes use less than `threshold` of the machine; returns the last share seen.
 */
export async function waitForQuiet(threshold = 0.15, maxProbes = 4): Promise<number> {
  let share = lastShare;
  for (let i = 0; i < maxProbes && share >= threshold && quietBudgetMs > 0; i++) {
    const before = sampleCpu();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    quietBudgetMs -= 1000;
    share = foreignShare(before, sampleCpu());
  }
  lastShare = share;
  return share;
}
