// `node --import tsx bench/monitoring-bench.ts [--quick]`: what model monitoring costs on the hot path. Two models
// (the fixture iris MLP, lesson JSON, one row per request; the fixture CNN 3x32x32, V2 binary) are each served twice
// at once: monitoring on (with a reference profile, so drift bins, the output window and feedback bookkeeping all
// run) and MODELDOCK_MONITORING=off. wrk at concurrency 16 alternates between the two (off, on, off, on...) so
// background noise hits both alike; each figure is the median of the runs, and the ratio on/off is the verdict
// (target >= 0.95). Each run also reads the server's own process_cpu_seconds_total: CPU per request is steadier
// than req/s on a shared machine. The fixture CNN's run time sits near the runtime's limit for running inference
// on the server thread, so the two servers could place it differently; it is pinned to threads
// (MODELDOCK_INFERENCE=threads) so that the comparison measures monitoring, not placement. Results go to stdout and test-output/monitoring-bench.json. Servers are stopped by pid.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostTensor } from '../main/inference/host-tensor';
import { planFeatures } from '../main/monitoring/feature-plan';
import { computeReferenceProfile } from '../main/monitoring/reference-profile';
import type { RuntimeConfigInput } from '../shared/schemas/serving';
import { ensureFixtures, IRIS_LABELS } from '../tests/fixtures/make-fixtures';
import { ensureBuilt } from '../tests/support/ensure-built';
import { seededNormal } from '../tests/serving/monitoring-support';
import { stopAll } from './serving/children';
import { irisPredictPayload } from './serving/payloads';
import { startRuntime, type RunningServer } from './serving/servers';
import { median } from './stats';
import { runWrk, writeWrkScript, type Payload, type WrkRun } from './serving/wrk';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 2 : 5;
const SECONDS = quick ? 2 : 5;
const CONNECTIONS = 16;

interface Run extends WrkRun {
  /** Server CPU (all its threads, from its own process_cpu_seconds_total) per answered request, in microseconds. */
  cpuUsPerRequest: number;
}

interface Row {
  model: string; payload: string; off: Run[]; on: Run[]; offRps: number; onRps: number; ratio: number;
  offCpuUs: number; onCpuUs: number; cpuRatio: number; placement: { on: unknown; off: unknown };
}

async function cpuSeconds(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** A wrk run plus the server's CPU per request: less sensitive than req/s to other work on a shared machine. */
async function runMeasured(baseUrl: string, payload: Payload, script: string): Promise<Run> {
  const before = await cpuSeconds(baseUrl);
  const run = await runWrk(`${baseUrl}${payload.path}`, script, CONNECTIONS, SECONDS);
  const after = await cpuSeconds(baseUrl);
  return { ...run, cpuUsPerRequest: run.requests > 0 ? ((after - before) * 1e6) / run.requests : NaN };
}

function irisProfileTensor(rows: number): HostTensor {
  const normal = seededNormal(11);
  const means = [[5.0, 3.4, 1.5, 0.25], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]];
  const data = new Float32Array(rows * 4);
  for (let r = 0; r < rows; r++) for (let f = 0; f < 4; f++) data[r * 4 + f] = means[r % 3][f] + 0.3 * normal();
  return { name: 'input', elementType: 'float32', dims: [rows, 4], data };
}

function cnnProfileTensor(rows: number): HostTensor {
  const normal = seededNormal(12);
  const data = new Float32Array(rows * 3 * 32 * 32);
  for (let i = 0; i < data.length; i++) data[i] = 0.5 + 0.2 * normal();
  return { name: 'image', elementType: 'float32', dims: [rows, 3, 32, 32], data };
}

function cnnBinaryPayload(): Payload {
  const tensor = new Float32Array(3 * 32 * 32).map((_, i) => (i % 97) / 97);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1, 3, 32, 32], datatype: 'FP32', parameters: { binary_data_size: tensor.byteLength } }] }));
  return {
    label: 'CNN 3x32x32 V2 binary',
    method: 'POST',
    path: '/v2/models/cnn/infer',
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(tensor.buffer)]),
  };
}

async function measure(workDir: string, name: string, config: RuntimeConfigInput, payload: Payload, env: Record<string, string> = {}): Promise<Row> {
  const servers: RunningServer[] = [];
  try {
    const on = await startRuntime({ name: `${name}-on`, config, env, workDir });
    servers.push(on);
    const off = await startRuntime({ name: `${name}-off`, config, env: { ...env, MODELDOCK_MONITORING: 'off' }, workDir });
    servers.push(off);
    const script = writeWrkScript(workDir, payload, name);
    await runWrk(`${on.baseUrl}${payload.path}`, script, CONNECTIONS, 2);
    await runWrk(`${off.baseUrl}${payload.path}`, script, CONNECTIONS, 2);
    const offRuns: Run[] = [];
    const onRuns: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      offRuns.push(await runMeasured(off.baseUrl, payload, script));
      onRuns.push(await runMeasured(on.baseUrl, payload, script));
      process.stderr.write(`  ${name} run ${i + 1}/${RUNS}: off ${Math.round(offRuns[i].rps)} req/s ${offRuns[i].cpuUsPerRequest.toFixed(1)} us CPU/req, on ${Math.round(onRuns[i].rps)} req/s ${onRuns[i].cpuUsPerRequest.toFixed(1)} us CPU/req\n`);
    }
    const errors = [...offRuns, ...onRuns].reduce((n, r) => n + r.errors, 0);
    if (errors > 0) throw new Error(`${name}: ${errors} failed requests; the figures are not valid`);
    const metrics = await (await fetch(`${on.baseUrl}/metrics`)).text();
    if (!/^modeldock_feature_drift_psi\{/m.test(metrics)) throw new Error(`${name}: the monitored server exports no drift scores`);
    const offRps = median(offRuns.map((r) => r.rps));
    const onRps = median(onRuns.map((r) => r.rps));
    // The runtime decides at warm-up where inference runs (threads or the server thread) from a timing; a model near
    // the limit can land differently in the two servers, which would be measured instead of monitoring.
    const placement = { on: on.readyInfo.inference, off: off.readyInfo.inference };
    const where = (text: unknown) => String(text ?? '').split(' (')[0];
    if (where(placement.on) !== where(placement.off)) process.stderr.write(`  ${name}: the two servers placed inference differently (on: ${placement.on}; off: ${placement.off})\n`);
    const offCpuUs = median(offRuns.map((r) => r.cpuUsPerRequest));
    const onCpuUs = median(onRuns.map((r) => r.cpuUsPerRequest));
    return { model: name, payload: payload.label, off: offRuns, on: onRuns, offRps, onRps, ratio: onRps / offRps, offCpuUs, onCpuUs, cpuRatio: offCpuUs / onCpuUs, placement };
  } finally {
    for (const s of servers) await s.stop();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const fixtures = await ensureFixtures();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-monitoring-bench-'));
  process.on('SIGINT', () => { void stopAll().finally(() => process.exit(130)); });
  try {
    const irisInputs = [{ name: 'input', isTensor: true, elementType: 'float32' as const, dims: ['batch', 4] }];
    const cnnInputs = [{ name: 'image', isTensor: true, elementType: 'float32' as const, dims: ['batch', 3, 32, 32] }];
    const irisProfile = computeReferenceProfile([irisProfileTensor(2000)], planFeatures(irisInputs).features, { bins: 10, source: 'bench' });
    const cnnProfile = computeReferenceProfile([cnnProfileTensor(200)], planFeatures(cnnInputs).features, { bins: 10, source: 'bench' });
    const rows: Row[] = [];
    rows.push(await measure(workDir, 'iris', {
      model: { path: path.join(fixtures, 'iris.onnx'), name: 'iris' }, labels: IRIS_LABELS, monitoring: { profile: irisProfile },
    }, irisPredictPayload()));
    rows.push(await measure(workDir, 'cnn', {
      model: { path: path.join(fixtures, 'cnn.onnx'), name: 'cnn' }, monitoring: { profile: cnnProfile },
    }, cnnBinaryPayload(), { MODELDOCK_INFERENCE: 'threads' }));

    process.stdout.write(`\nModel monitoring overhead (wrk c=${CONNECTIONS}, median of ${RUNS} x ${SECONDS} s, alternating; ${os.cpus().length} CPUs)\n`);
    process.stdout.write('| Model, payload | off: req/s, CPU/req | on: req/s, CPU/req | req/s on / off | CPU-bound estimate (CPU off / on) |\n|---|---|---|---|---|\n');
    for (const r of rows) {
      process.stdout.write(`| ${r.payload} | ${Math.round(r.offRps)}, ${r.offCpuUs.toFixed(1)} us | ${Math.round(r.onRps)}, ${r.onCpuUs.toFixed(1)} us | ${r.ratio.toFixed(3)} | ${r.cpuRatio.toFixed(3)} |\n`);
    }
    for (const r of rows) process.stdout.write(`${r.model}: inference on ${String(r.placement.on).split(' (')[0]} (on) / ${String(r.placement.off).split(' (')[0]} (off)\n`);
    const outDir = path.join(__dirname, '..', 'test-output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'monitoring-bench.json'), `${JSON.stringify({ when: new Date().toISOString(), connections: CONNECTIONS, runs: RUNS, seconds: SECONDS, rows }, null, 2)}\n`);
    const slow = rows.filter((r) => r.ratio < 0.95 && r.cpuRatio < 0.95);
    process.stdout.write(slow.length ? `\nBelow the 0.95 target: ${slow.map((r) => r.model).join(', ')}\n` : '\nAll rows meet the 0.95 target.\n');
  } finally {
    await stopAll();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  void stopAll().finally(() => process.exit(1));
});
