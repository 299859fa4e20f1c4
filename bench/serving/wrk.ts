/**
 * wrk driver: one Lua script per payload (method, headers, body read from a file in binary mode, and a done() hook
 * that prints the summary as one JSON line so nothing depends on wrk's human-readable units), a run with a hard
 * time limit, and the median of repeated runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median } from '../stats';
import { runToEnd } from './children';
import { foreignShare, groupTicks, noteShare, reapedChildrenTicks, sampleCpu, TICKS_PER_SECOND, waitForQuiet } from './cpu-share';

export interface Payload {
  /** Short id used in tables and JSON, e.g. "iris /predict JSON". */
  label: string;
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface WrkRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx answers plus socket errors: a cell with errors is not a valid throughput figure. */
  errors: number;
  /** Share of the machine (0..1) other processes used during the run (see cpu-share.ts). */
  foreignCpu: number;
  /**
   * CPU time per answered request, in µs: the server's (all processes of its group, when the caller named it) and
   * wrk's own. On a machine the client shares, req/s ratios are squeezed by the client's CPU; these are not.
   */
  serverCpuUs: number | null;
  clientCpuUs: number;
}

export interface WrkCell extends WrkRun {
  runs: WrkRun[];
}

const RESULT_TAG = 'WRKJSON ';

function luaString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Writes the body file and the Lua script for a payload into dir; returns the script path. */
export function writeWrkScript(dir: string, payload: Payload, tag: string): string {
  const bodyPath = path.join(dir, `body-${tag}.bin`);
  fs.writeFileSync(bodyPath, payload.body);
  const lines = [`wrk.method = ${luaString(payload.method)}`];
  for (const [name, value] of Object.entries(payload.headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (payload.body.length > 0) {
    lines.push(`local file = assert(io.open(${luaString(bodyPath)}, "rb"))`, 'wrk.body = file:read("*a")', 'file:close()');
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${RESULT_TAG}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\\n',`,
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  );
  const scriptPath = path.join(dir, `payload-${tag}.lua`);
  fs.writeFileSync(scriptPath, `${lines.join('\n')}\n`);
  return scriptPath;
}

interface WrkSummary {
  requests: number; durationUs: number; connect: number; read: number; write: number; status: number; timeout: number;
  p50Us: number; p99Us: number;
}

const TICK_US = 1e6 / TICKS_PER_SECOND;

export async function runWrk(url: string, script: string, connections: number, seconds: number, serverGroup?: number): Promise<WrkRun> {
  const threads = Math.min(connections, 2);
  const args = ['-c', String(connections), '-t', String(threads), '-d', `${seconds}s`, '--timeout', '10s', '--latency', '-s', script, url];
  const before = sampleCpu();
  const serverBefore = serverGroup === undefined ? 0 : groupTicks(serverGroup);
  const clientBefore = reapedChildrenTicks();
  const result = await runToEnd('wrk', args, (seconds + 20) * 1000);
  const serverTicks = serverGroup === undefined ? null : groupTicks(serverGroup) - serverBefore;
  const clientTicks = reapedChildrenTicks() - clientBefore;
  const foreignCpu = foreignShare(before, sampleCpu());
  noteShare(foreignCpu);
  const line = result.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (!line) throw new Error(`wrk gave no summary (exit ${result.code}${result.timedOut ? ', timed out' : ''}): ${(result.stderr || result.stdout).trim().slice(0, 300)}`);
  const s = JSON.parse(line.slice(RESULT_TAG.length)) as WrkSummary;
  return {
    rps: s.durationUs > 0 ? s.requests / (s.durationUs / 1e6) : 0,
    p50Ms: s.p50Us / 1000,
    p99Ms: s.p99Us / 1000,
    requests: s.requests,
    errors: s.connect + s.read + s.write + s.status + s.timeout,
    foreignCpu,
    serverCpuUs: serverTicks === null || s.requests === 0 ? null : (serverTicks * TICK_US) / s.requests,
    clientCpuUs: s.requests === 0 ? 0 : (clientTicks * TICK_US) / s.requests,
  };
}

/** `repeats` runs of `seconds` each after a short warm-up; each figure is the median over the runs. */
export async function measureCell(url: string, script: string, connections: number, repeats: number, seconds: number, warmupSeconds: number, serverGroup?: number): Promise<WrkCell> {
  if (warmupSeconds > 0) await runWrk(url, script, connections, warmupSeconds);
  const runs: WrkRun[] = [];
  for (let i = 0; i < repeats; i++) {
    await waitForQuiet();
    runs.push(await runWrk(url, script, connections, seconds, serverGroup));
  }
  const serverCpu = runs.map((r) => r.serverCpuUs).filter((v): v is number => v !== null);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    foreignCpu: median(runs.map((r) => r.foreignCpu)),
    serverCpuUs: serverCpu.length ? median(serverCpu) : null,
    clientCpuUs: median(runs.map((r) => r.clientCpuUs)),
    runs,
  };
}
