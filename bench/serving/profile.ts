/**
 * Where the runtime's main thread spends its time under load: start it with --cpu-prof, drive one payload with wrk,
 * stop it (SIGTERM; Node writes the profile on exit), then sum self time per function and per layer (HTTP, JSON,
 * runtime code, tensor codecs, GC, idle). Only the main thread is summarised: the inference threads spend their
 * time inside session.run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuntimeConfigInput } from '../../shared/schemas/serving';
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

function summarise(profile: CpuProfile, name: string, rps: number, p50Ms: number): ProfileSummary {
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
    name, rps, p50Ms,
    layers: [...byLayer.entries()].sort((a, b) => b[1] - a[1]).map(([layer, h]) => ({ layer, percent: pct(h) })),
    top: [...byFn.values()].filter((e) => e.fn !== '(idle)').sort((a, b) => b.hits - a.hits).slice(0, 12).map((e) => ({ fn: e.fn, where: e.where, percent: pct(e.hits) })),
  };
}

export async function profileRuntime(options: { workDir: string; cases: ProfileCase[]; progress: (line: string) => void; seconds?: number }): Promise<ProfileSummary[]> {
  const summaries: ProfileSummary[] = [];
  for (const [index, c] of options.cases.entries()) {
    const profDir = fs.mkdtempSync(path.join(options.workDir, 'prof-'));
    const server = await startRuntime({ name: `profile-${index}`, config: c.config, env: c.env ?? {}, workDir: options.workDir, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profDir] });
    let rps = 0;
    let p50Ms = 0;
    try {
      const script = writeWrkScript(options.workDir, c.payload, `profile-${index}`);
      const result = await runWrk(`${server.baseUrl}${c.payload.path}`, script, c.concurrency, options.seconds ?? 5);
      rps = result.rps;
      p50Ms = result.p50Ms;
    } finally {
      await server.stop();
    }
    // Main thread profiles are named CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile (thread id 0).
    const mainFile = fs.readdirSync(profDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (!mainFile) {
      options.progress(`  ${c.name}: no main-thread profile written (did the runtime exit cleanly on SIGTERM?)`);
      continue;
    }
    const summary = summarise(JSON.parse(fs.readFileSync(path.join(profDir, mainFile), 'utf8')) as CpuProfile, c.name, rps, p50Ms);
    summaries.push(summary);
    options.progress(`  ${c.name}: ${Math.round(rps)} req/s under the profiler; main thread: ${summary.layers.slice(0, 6).map((l) => `${l.layer} ${l.percent}%`).join(', ')}`);
  }
  return summaries;
}

export function profileTable(summaries: ProfileSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    lines.push(`${s.name} (${Math.round(s.rps)} req/s under the profiler):`, '');
    lines.push('| main-thread layer | % of samples |', '| --- | --- |');
    for (const l of s.layers) lines.push(`| ${l.layer} | ${l.percent} |`);
    lines.push('', '| top function (self time) | where | % |', '| --- | --- | --- |');
    for (const t of s.top) lines.push(`| ${t.fn} | ${t.where} | ${t.percent} |`);
    lines.push('');
  }
  return lines.join('\n');
}
