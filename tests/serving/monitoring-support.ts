/**
 * Shared by tests/serving/monitoring-*.test.ts: a real Prometheus (Debian's /usr/bin/prometheus) started on a free
 * loopback port with a temp config that scrapes a runtime every second, instant queries against its HTTP API, and
 * iris-like sample data from a seeded generator (so drift scores are reproducible).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';

export const PROMETHEUS = '/usr/bin/prometheus';

export function prometheusMissing(): string | null {
  if (!fs.existsSync(PROMETHEUS)) return 'Prometheus is not installed (Debian: apt-get install prometheus)';
  const version = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  return version.status === 0 ? null : `prometheus --version failed: ${version.stderr}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  /** Instant query: the result vector (metric labels + value as a number). */
  query: (promql: string) => Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** Polls the query until `check` accepts the result (each scrape is 1 s apart); returns the accepted result. */
  until: (promql: string, check: (result: Array<{ metric: Record<string, string>; value: number }>) => boolean, what: string, timeoutMs?: number) => Promise<Array<{ metric: Record<string, string>; value: number }>>;
}

export async function startPrometheus(
  t: { after: (fn: () => void | Promise<void>) => void }, dir: string, target: string, options: { ruleFiles?: string[] } = {},
): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((f) => `  - '${f}'`)] : []),
    'scrape_configs:',
    '  - job_name: modeldock',
    '    scrape_interval: 1s',
    '    scrape_timeout: 900ms',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n'));
  const child = spawn(PROMETHEUS, [
    `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`prometheus not ready within 30 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const query: RunningPrometheus['query'] = async (promql) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = await res.json() as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success' || !body.data) throw new Error(`query ${promql} failed: ${body.error ?? res.status}`);
    if (body.data.resultType !== 'vector') throw new Error(`query ${promql} gave a ${body.data.resultType}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url,
    query,
    until: async (promql, check, what, timeoutMs = 20000) => {
      const deadline = Date.now() + timeoutMs;
      let last: Awaited<ReturnType<typeof query>> = [];
      for (;;) {
        last = await query(promql);
        if (check(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last result of ${promql}: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}

/** A seeded standard normal generator (Box-Muller over a linear congruential generator). */
export function seededNormal(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const CLASS_MEANS = [[5.0, 3.4, 1.5, 0.25], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]];
const SPREAD = [0.4, 0.3, 0.4, 0.2];

/** Iris-like rows: a class in turn, each feature normal around its class mean; `shift` adds to chosen features. */
export function irisRows(count: number, seed: number, shift: Record<number, number> = {}): number[][] {
  const normal = seededNormal(seed);
  return Array.from({ length: count }, (_, i) => {
    const means = CLASS_MEANS[i % 3];
    return means.map((m, f) => Math.round((m + SPREAD[f] * normal() + (shift[f] ?? 0)) * 100) / 100);
  });
}

export function irisCsv(rows: number[][]): string {
  return `${IRIS_FEATURES.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
}

/** modeldock.yaml for the iris fixture with tabular feature names and a `monitoring:` section (extra lines appended). */
export function irisMonitoringSpec(windowSize: number, extraMonitoringLines: string[] = []): string {
  return [
    'apiVersion: modeldock/v1',
    'model:',
    '  path: iris.onnx',
    '  name: iris',
    'inputs:',
    '  input:',
    '    type: tabular',
    `    features: [${IRIS_FEATURES.join(', ')}]`,
    'monitoring:',
    `  windowSize: ${windowSize}`,
    '  driftThreshold: 0.2',
    ...extraMonitoringLines,
    '',
  ].join('\n');
}

/**
 * The iris fixture in `dir` with that spec, a reference profile captured by the engine from 2000 in-distribution
 * rows, and the engine (disposed after the test).
 */
export async function monitoredIris(t: { after: (fn: () => void | Promise<void>) => void }, dir: string, spec: string): Promise<{ model: string; engine: Engine }> {
  const fixtures = await ensureFixtures();
  const model = path.join(dir, 'iris.onnx');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), model);
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), spec);
  fs.writeFileSync(path.join(dir, 'reference.csv'), irisCsv(irisRows(2000, 1)));
  const engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  t.after(() => engine.dispose());
  await engine.invoke('monitor.profile', { modelPath: model, dataPath: path.join(dir, 'reference.csv') });
  return { model, engine };
}
