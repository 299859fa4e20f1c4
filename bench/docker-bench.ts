// `npm run bench:docker [-- --runs N]`: the Docker figures issue 4 asks for, against the local engine, offline.
// - image size minus model size vs the base image's size (target: base + at most 60 MB)
// - cold build (--no-cache: every layer rebuilt) and warm rebuild after a model change (target: < 5 s)
// - container start to ready: create, then start -> first 200 from /readyz (target: < 1 s for the iris-size model)
// - the same /predict request's latency through the container (docker-proxy on 127.0.0.1) vs the local runtime
// Medians of --runs (default 5). Table on stdout, progress on stderr, JSON to test-output/docker-bench.json.
// Every container and image it makes is removed in finally blocks; every wait is bounded.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { createEngine } from '../main/engine/engine';
import { makeOfflineBase } from '../main/docker/offline-base';
import { MANAGED_LABEL } from '../main/docker/labels';
import { OFFLINE_BASE_IMAGE } from '../shared/schemas/spec';
import { ensureFixtures, IRIS_LABELS } from '../tests/fixtures/make-fixtures';
import { stopAll } from './serving/children';
import { request } from './serving/http-client';
import { irisPredictPayload } from './serving/payloads';
import { repoRoot, startRuntime } from './serving/servers';
import { median } from './stats';

const runs = Math.max(1, Number(argValue('--runs') ?? 5));
const LATENCY_REQUESTS = 300;
const TAG = 'modeldock-bench/iris';
const docker = new Docker();
const MB = 1024 * 1024;

function argValue(name: string): string | null {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : null;
}

const started = performance.now();
function progress(line: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

/**
 * A new, valid version of the model: ModelProto with one more metadata_props entry (field 14) appended. Protobuf
 * merges appended fields, so the graph is untouched but the file (and its sha256) differs on every call.
 */
function newModelVersion(irisBytes: Buffer, nonce: string): Buffer {
  const text = (field: number, value: string) => {
    const data = Buffer.from(value);
    return Buffer.concat([Buffer.from([(field << 3) | 2, data.length]), data]);
  };
  const entry = Buffer.concat([text(1, 'bench-version'), text(2, nonce)]);
  return Buffer.concat([irisBytes, Buffer.from([(14 << 3) | 2, entry.length]), entry]);
}

interface Started { readyMs: number; url: string; remove: () => Promise<void> }

async function startContainer(image: string): Promise<Started> {
  const container = await docker.createContainer({
    Image: image,
    Labels: { [MANAGED_LABEL]: 'true', 'dev.modeldock.bench': 'docker' },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  const remove = () => container.remove({ force: true }).then(() => undefined, () => undefined);
  try {
    const t0 = performance.now();
    await container.start();
    const info = await container.inspect();
    const url = `http://127.0.0.1:${info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort}`;
    const ready = { label: 'readyz', method: 'GET' as const, path: '/readyz', headers: {}, body: Buffer.alloc(0) };
    for (;;) {
      const answer = await request(url, ready, 1000).catch(() => null);
      if (answer?.status === 200) return { readyMs: performance.now() - t0, url, remove };
      if (performance.now() - t0 > 30_000) throw new Error('the container was not ready within 30 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch (error) {
    await remove();
    throw error;
  }
}

async function latencies(url: string): Promise<number[]> {
  const payload = irisPredictPayload();
  const out: number[] = [];
  for (let i = 0; i < 50 + LATENCY_REQUESTS; i++) {
    const t0 = performance.now();
    const answer = await request(url, payload, 5000);
    const ms = performance.now() - t0;
    if (answer.status !== 200 || !answer.body.toString().includes('setosa')) throw new Error(`wrong answer: ${answer.status} ${answer.body}`);
    if (i >= 50) out.push(ms);
  }
  return out;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'serving', 'modeldock-serve.js'))) throw new Error('Run `npm run build` first (dist/serving is missing).');
  const fixtures = await ensureFixtures();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-docker-bench-'));
  const engine = createEngine({ shell: 'cli', dataDir: path.join(workDir, 'data') });
  const builtIds = new Set<string>();
  try {
    progress('offline base');
    const base = await makeOfflineBase(docker, { tag: OFFLINE_BASE_IMAGE });
    const iris = fs.readFileSync(path.join(fixtures, 'iris.onnx'));
    const modelPath = path.join(workDir, 'model.onnx');
    fs.writeFileSync(modelPath, iris);
    fs.writeFileSync(path.join(workDir, 'modeldock.yaml'),
      `apiVersion: modeldock/v1\nmodel:\n  path: model.onnx\n  name: iris\nlabels: [${IRIS_LABELS.join(', ')}]\nimage:\n  base: ${OFFLINE_BASE_IMAGE}\n`);
    const build = async (tag: string, noCache: boolean) => {
      const record = await engine.invoke('image.build', { modelPath, tag: `${TAG}:${tag}`, noCache });
      builtIds.add(record.imageId);
      return record;
    };

    const cold: number[] = [];
    for (let i = 0; i < runs; i++) {
      progress(`cold build ${i + 1}/${runs}`);
      cold.push((await build('cold', true)).buildMs);
    }
    const warm: number[] = [];
    let cachedSteps = '';
    let last = await build('warm-0', false);
    for (let i = 0; i < runs; i++) {
      progress(`warm rebuild after a model change ${i + 1}/${runs}`);
      fs.writeFileSync(modelPath, newModelVersion(iris, `${Date.now()}-${i}`));
      last = await build(`warm-${i + 1}`, false);
      warm.push(last.buildMs);
      cachedSteps = `${last.cachedSteps} of ${last.totalSteps}`;
    }
    const addedBytes = last.sizeBytes - last.modelBytes - base.sizeBytes;

    const readies: number[] = [];
    for (let i = 0; i < runs; i++) {
      progress(`container start to ready ${i + 1}/${runs}`);
      const c = await startContainer(last.reference);
      readies.push(c.readyMs);
      await c.remove();
    }

    progress(`latency: ${LATENCY_REQUESTS} sequential /predict requests through the container`);
    const container = await startContainer(last.reference);
    let viaContainer: number[];
    try {
      viaContainer = await latencies(container.url);
    } finally {
      await container.remove();
    }
    progress(`latency: the same through the local runtime`);
    const local = await startRuntime({
      name: 'local', workDir, env: {},
      config: { model: { path: modelPath, name: 'iris' }, labels: IRIS_LABELS },
    });
    let viaLocal: number[];
    try {
      viaLocal = await latencies(local.baseUrl);
    } finally {
      await local.stop();
    }

    const results = {
      at: new Date().toISOString(),
      host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', node: process.version },
      runs,
      baseImage: OFFLINE_BASE_IMAGE,
      baseBytes: base.sizeBytes,
      imageBytes: last.sizeBytes,
      modelBytes: last.modelBytes,
      addedBytes,
      coldBuildMs: median(cold),
      warmRebuildMs: median(warm),
      warmCachedSteps: cachedSteps,
      startToReadyMs: median(readies),
      containerP50Ms: median(viaContainer), containerP99Ms: quantile(viaContainer, 0.99),
      localP50Ms: median(viaLocal), localP99Ms: quantile(viaLocal, 0.99),
      samples: { cold, warm, readies },
    };
    const rows: Array<[string, string, string]> = [
      ['image size - model size', `${(addedBytes / MB + base.sizeBytes / MB).toFixed(1)} MB = base ${(base.sizeBytes / MB).toFixed(1)} MB + ${(addedBytes / MB).toFixed(1)} MB`, `base + <= 60 MB: ${addedBytes <= 60 * MB ? 'met' : 'MISSED'}`],
      ['cold build (--no-cache)', `${(results.coldBuildMs / 1000).toFixed(2)} s`, ''],
      ['warm rebuild, model changed', `${(results.warmRebuildMs / 1000).toFixed(2)} s (${cachedSteps} steps cached)`, `< 5 s: ${results.warmRebuildMs < 5000 ? 'met' : 'MISSED'}`],
      ['container start to ready', `${results.startToReadyMs.toFixed(0)} ms`, `< 1 s: ${results.startToReadyMs < 1000 ? 'met' : 'MISSED'}`],
      ['/predict p50 / p99, container', `${results.containerP50Ms.toFixed(2)} / ${results.containerP99Ms.toFixed(2)} ms`, ''],
      ['/predict p50 / p99, local runtime', `${results.localP50Ms.toFixed(2)} / ${results.localP99Ms.toFixed(2)} ms`, `container adds ${(results.containerP50Ms - results.localP50Ms).toFixed(2)} ms at p50`],
    ];
    const width = (i: 0 | 1) => Math.max(...rows.map((r) => r[i].length));
    process.stdout.write(`Docker figures (${results.host.cpus} CPUs, ${results.host.cpuModel}; medians of ${runs} runs; base ${OFFLINE_BASE_IMAGE})\n`);
    for (const r of rows) process.stdout.write(`  ${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}\n`);
    const outDir = path.join(repoRoot, 'test-output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'docker-bench.json'), `${JSON.stringify(results, null, 2)}\n`);
    progress(`wrote ${path.join('test-output', 'docker-bench.json')}`);
  } finally {
    await stopAll();
    await engine.dispose();
    for (const id of builtIds) await docker.getImage(id).remove({ force: true }).catch(() => {});
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`docker bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
