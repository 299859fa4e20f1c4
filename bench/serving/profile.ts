/**
 * Where the runtime's main thread spends its time under load: start it with --inspect on a loopback port, start
 * the V8 sampling profiler over the inspector protocol, drive one payload with wrk, stop the profiler and sum
 * self time per function and per layer (HTTP, JSON, runtime code, codecs, thread hop, GC, idle). Taking the
 * profile over the inspector (not --cpu-prof, which writes at exit) works whether or not the runtime exits
 * cleanly. Only the main thread is profiled: the inference threads spend their time inside session.run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import type { RuntimeConfigInput } from '../../shared/schemas/serving';
import { waitForQuiet } from './cpu-share';
import { request } from './http-client';
import { startRuntime } from './servers';
import { runWrk, writeWrkScript, type Payload } from './wrk';

export interface ProfileCase {
  name: string;
  config: RuntimeConfigInput;
  payload: Payload;
  concurrency: number;
  env?: Record<string, string>;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile { nodes: CpuProfileNode[]; startTime: number; endTime: number }

export interface ProfileSummary {
  name: string;
  rps: number;
  p50Ms: number;
  /** From the runtime's /metrics over the run: share of wall time the inference threads spent in session.run, mean batch rows, mean queue wait. */
  inferenceBusy: number | null;
  meanBatch: number | null;
  meanQueueMs: number | null;
  /** Share of the machine other processes used during the run. */
  foreignCpu: number;
  layers: Array<{ layer: string; percent: number }>;
  top: Array<{ fn: string; where: string; percent: number }>;
}

function layerOf(node: CpuProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting for I/O or the inference thread)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (/^(parse|stringify)$/.test(functionName) && !url) return 'JSON.parse / JSON.stringify';
  if (/_http_|node:http|internal\/http|node:net|internal\/stream|stream_base|node:stream|internal\/streams|node:events|node:buffer/.test(url) || /^(writev?|writeGeneric|onStreamRead)$/.test(functionName)) return 'Node HTTP/net/streams';
  if (/worker_threads|internal\/worker|MessagePort|postMessage/.test(url + functionName)) return 'thread hop (postMessage)';
  if (/host-tensor|tensor-codec|json-input|nested-values|image-input|float16|jpeg-js|pngjs/.test(url)) return 'tensor/image codecs';
  if (/modeldock-serve|resources\/serving/.test(url)) return 'runtime code';
  if (/zod/.test(url)) return 'zod validation';
  if (!url) return 'V8 builtins';
  return 'other JS';
}

type MetricSums = Record<string, number>;

/** The _sum and _count of the runtime's inference, batch-size and queue histograms. */
async function scrapeSums(baseUrl: string): Promise<MetricSums> {
  const answer = await request(baseUrl, { label: 'metrics', method: 'GET', path: '/metrics', headers: {}, body: Buffer.alloc(0) }, 5000);
  const sums: MetricSums = {};
  for (const line of answer.body.toString().split('\n')) {
    const m = /^(modeldock_(?:inference_duration_seconds|batch_size|queue_duration_seconds)_(?:sum|count))(?:\{[^}]*\})? ([\d.eE+-]+)$/.exec(line);
    if (m) sums[m[1]] = (sums[m[1]] ?? 0) + Number(m[2]);
  }
  return sums;
}

function runtimeShares(before: MetricSums, after: MetricSums, seconds: number): Pick<ProfileSummary, 'inferenceBusy' | 'meanBatch' | 'meanQueueMs'> {
  const d = (k: string) => (after[k] ?? NaN) - (before[k] ?? NaN);
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null);
  const queue = ratio(d('modeldock_queue_duration_seconds_sum'), d('modeldock_queue_duration_seconds_count'));
  return {
    inferenceBusy: ratio(d('modeldock_inference_duration_seconds_sum'), seconds),
    meanBatch: ratio(d('modeldock_batch_size_sum'), d('modeldock_batch_size_count')),
    meanQueueMs: queue === null ? null : queue * 1000,
  };
}

function summarise(profile: CpuProfile, name: string, rps: number, p50Ms: number, foreignCpu: number, shares: ReturnType<typeof runtimeShares>): ProfileSummary {
  const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const byLayer = new Map<string, number>();
  const byFn = new Map<string, { fn: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const layer = layerOf(node);
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + hits);
    const where = node.callFrame.url ? `${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : '(builtin)';
    const key = `${node.callFrame.functionName}\u0000${where}`;
    const entry = byFn.get(key) ?? { fn: node.callFrame.functionName || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    byFn.set(key, entry);
  }
  const pct = (h: number) => Math.round((h / total) * 1000) / 10;
  return {
    name, rps, p50Ms, foreignCpu, ...shares,
    layers: [...byLayer.entries()].sort((a, b) => b[1] - a[1]).map(([layer, h]) => ({ layer, percent: pct(h) })),
    top: [...byFn.values()].filter((e) => e.fn !== '(idle)').sort((a, b) => b.hits - a.hits).slice(0, 12).map((e) => ({ fn: e.fn, where: e.where, percent: pct(e.hits) })),
  };
}

/** A minimal inspector-protocol client: send a command, await its result. */
async function inspector(url: string): Promise<{ call: (method: string, params?: object) => Promise<Record<string, unknown>>; close: () => void }> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
    if (message.id === undefined) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) pending?.reject(new Error(message.error.message));
    else pending?.resolve(message.result ?? {});
  });
  const call = (method: string, params: object = {}) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
    setTimeout(() => {
      if (waiting.delete(id)) reject(new Error(`inspector ${method} timed out`));
    }, 30_000).unref();
  });
  return { call, close: () => socket.close() };
}

export async function profileRuntime(options: { workDir: string; script: string; cases: ProfileCase[]; progress: (line: string) => void; seconds?: number }): Promise<ProfileSummary[]> {
  const summaries: ProfileSummary[] = [];
  for (const [index, c] of options.cases.entries()) {
    const server = await startRuntime({ name: `profile-${index}`, config: c.config, env: c.env ?? {}, workDir: options.workDir, script: options.script, nodeFlags: ['--inspect=127.0.0.1:0'] });
    try {
      const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(server.tail())?.[0];
      if (!url) throw new Error('the runtime did not print its inspector address');
      const client = await inspector(url);
      try {
        await client.call('Profiler.enable');
        await client.call('Profiler.setSamplingInterval', { interval: 200 });
        await client.call('Profiler.start');
        const script = writeWrkScript(options.workDir, c.payload, `profile-${index}`);
        const seconds = options.seconds ?? 5;
        await waitForQuiet();
        const before = await scrapeSums(server.baseUrl);
        const result = await runWrk(`${server.baseUrl}${c.payload.path}`, script, c.concurrency, seconds);
        const { profile } = await client.call('Profiler.stop') as unknown as { profile: CpuProfile };
        const after = await scrapeSums(server.baseUrl);
        // Kept beside the results so the whole call tree can be opened in Chrome DevTools (Performance > Load profile).
        const saved = path.join(options.workDir, `profile-${index}.cpuprofile`);
        fs.writeFileSync(saved, JSON.stringify(profile));
        const summary = summarise(profile, c.name, result.rps, result.p50Ms, result.foreignCpu, runtimeShares(before, after, seconds));
        summaries.push(summary);
        options.progress(`  ${c.name}: ${Math.round(result.rps)} req/s under the profiler (other load ${pct(summary.foreignCpu)}); inference busy ${pct(summary.inferenceBusy)}, mean batch ${summary.meanBatch?.toFixed(1) ?? '?'}; ${saved}; main thread: ${summary.layers.slice(0, 6).map((l) => `${l.layer} ${l.percent}%`).join(', ')}`);
      } finally {
        client.close();
      }
    } catch (error) {
      options.progress(`  ${c.name}: no profile (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      await server.stop();
    }
  }
  return summaries;
}

function pct(share: number | null): string {
  return share === null ? '?' : `${Math.round(share * 100)}%`;
}

export function profileTable(summaries: ProfileSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    lines.push(`${s.name}: ${Math.round(s.rps)} req/s under the profiler (other processes: ${pct(s.foreignCpu)} of the machine); inference threads busy ${pct(s.inferenceBusy)} of the time, mean batch ${s.meanBatch?.toFixed(1) ?? '?'} rows, mean queue wait ${s.meanQueueMs?.toFixed(2) ?? '?'} ms`, '');
    lines.push('| main-thread layer | % of samples |', '| --- | --- |');
    for (const l of s.layers) lines.push(`| ${l.layer} | ${l.percent} |`);
    lines.push('', '| top function (self time) | where | % |', '| --- | --- | --- |');
    for (const t of s.top) lines.push(`| ${t.fn} | ${t.where} | ${t.percent} |`);
    lines.push('');
  }
  return lines.join('\n');
}
