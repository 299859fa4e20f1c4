// The bundle on its own: `modeldock build --bundle` rebuilds the image built here (same id from a warm cache;
// with --no-cache the same model and settings files inside), the README's docker run line serves correct
// predictions through 127.0.0.1 and its curl examples work for every protocol, the bundled openapi.json is what
// the container answers, and the Grafana dashboard asks only for metrics the runtime really exports.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildRecord } from '../../shared/schemas/docker';
import type { BundleResult } from '../../shared/schemas/bundle';
import { createEngine, type Engine } from '../../main/engine/engine';
import { MANAGED_LABEL } from '../../main/docker/labels';
import { runCaptured } from '../unit/cli-support';
import { docker, ensureOfflineBase, ensureServingBuilt, httpRequest, removeImage } from './image-support';
import { makeIrisProject, readmeCurls, readmeDockerRun } from './bundle-support';

const TAG = `modeldock-test/iris:bundle-${process.pid}`;
const REBUILT = `modeldock-test/iris:bundle-${process.pid}-rebuilt`;
const NO_CACHE = `modeldock-test/iris:bundle-${process.pid}-nocache`;
const CONTAINER = `modeldock-test-bundle-${process.pid}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One file from inside an image: a stopped container's archive of that path (a one-file tar). */
async function fileInImage(image: string, file: string): Promise<Buffer> {
  const container = await docker.createContainer({ Image: image, Labels: { [MANAGED_LABEL]: 'true' } });
  try {
    const stream = await container.getArchive({ path: file });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const tar = Buffer.concat(chunks);
    const size = parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
    return tar.subarray(512, 512 + size);
  } finally {
    await container.remove({ force: true });
  }
}

describe('rebuilding and running from the bundle alone', () => {
  let engine: Engine;
  let work = '';
  let bundleDir = '';
  let original: BuildRecord;
  let bundle: BundleResult;
  let runner: ChildProcess | null = null;
  let url = '';

  before(async () => {
    ensureServingBuilt();
    const base = await ensureOfflineBase();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-bundle-rebuild-'));
    const { modelPath } = await makeIrisProject(work, base);
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
    original = await engine.invoke('image.build', { modelPath, tag: TAG });
    bundleDir = path.join(work, 'iris-bundle');
    bundle = await engine.invoke('deploy.bundle', { modelPath, image: TAG, outDir: bundleDir });
    // From here on only the bundle is used: the project folder goes away.
    fs.rmSync(modelPath);
  });
  after(async () => {
    runner?.kill('SIGKILL');
    spawnSync('docker', ['rm', '-f', CONTAINER], { encoding: 'utf8' });
    await engine.dispose();
    for (const t of [TAG, REBUILT, NO_CACHE]) await removeImage(t);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('says which image built here the bundle reproduces', () => {
    assert.equal(bundle.builtImageId, original.imageId);
    assert.deepEqual(bundle.warnings.filter((w) => /other files or settings/.test(w)), []);
  });

  it('modeldock build --bundle rebuilds the identical image', async () => {
    const r = await runCaptured(['build', '--bundle', bundleDir, '--tag', REBUILT], { engine });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Built ${REBUILT.replace(/[/.]/g, '\\$&')}`));
    const [a, b] = await Promise.all([docker.getImage(TAG).inspect(), docker.getImage(REBUILT).inspect()]);
    assert.equal(b.Id, a.Id, 'same Dockerfile + same context bytes => the same image');
    assert.deepEqual(b.RootFS.Layers, a.RootFS.Layers);
    const history = await engine.invoke('image.history', {});
    assert.equal(history.builds[0].reference, REBUILT);
    assert.equal(history.builds[0].modelPath, path.join(bundleDir, 'model', 'iris.onnx'));
  });

  it('with --no-cache, the model and config inside match the original, and so do the labels', async () => {
    const r = await runCaptured(['build', '--bundle', bundleDir, '--tag', NO_CACHE, '--no-cache', '--json'], { engine });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).cachedSteps, 0);
    const [a, b] = await Promise.all([docker.getImage(TAG).inspect(), docker.getImage(NO_CACHE).inspect()]);
    assert.notEqual(b.Id, a.Id, 'every step really ran again');
    assert.deepEqual(b.Config.Labels, a.Config.Labels);
    assert.deepEqual(b.Config.Entrypoint, a.Config.Entrypoint);
    assert.deepEqual(b.Config.Cmd, a.Config.Cmd);
    assert.equal(b.RootFS.Layers?.length, a.RootFS.Layers?.length);
    assert.equal(b.RootFS.Layers?.[0], a.RootFS.Layers?.[0], 'the same base');
    for (const file of ['/app/model/iris.onnx', '/app/config/runtime.json', '/app/serving/modeldock-serve.js']) {
      const [x, y] = await Promise.all([fileInImage(TAG, file), fileInImage(NO_CACHE, file)]);
      assert.ok(x.length > 0);
      assert.equal(Buffer.compare(x, y), 0, `${file} is the same in both images`);
    }
    assert.equal(Buffer.compare(await fileInImage(NO_CACHE, '/app/model/iris.onnx'), fs.readFileSync(path.join(bundleDir, 'model/iris.onnx'))), 0);
  });

  it('refuses MODEL or --base next to --bundle', async () => {
    const r = await runCaptured(['build', 'x.onnx', '--bundle', bundleDir, '--base', 'node:20'], { engine });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /leave out x\.onnx, --base/);
    const missing = await runCaptured(['build', '--bundle', path.join(work, 'nope')], { engine });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Bundle folder not found/);
  });

  it('the README\'s docker run line serves correct predictions, and its curl examples work', async () => {
    const readme = fs.readFileSync(path.join(bundleDir, 'README.md'), 'utf8');
    const args = readmeDockerRun(readme);
    const port = await freePort();
    // Only the host port (8080 may be taken here) and the name change; every other flag is the README's.
    const publish = args.indexOf('-p');
    assert.equal(args[publish + 1], '127.0.0.1:8080:8080');
    args[publish + 1] = `127.0.0.1:${port}:8080`;
    args[args.indexOf('--name') + 1] = CONTAINER;
    assert.equal(args[args.length - 1], TAG);
    runner = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    runner.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    runner.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while ((await httpRequest(`${url}/readyz`).catch(() => null))?.status !== 200) {
      assert.ok(Date.now() < deadline && runner.exitCode === null, `not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const info = await docker.getContainer(CONTAINER).inspect();
    assert.equal(info.HostConfig.ReadonlyRootfs, true);
    assert.equal(info.HostConfig.NanoCpus, 1e9);
    assert.equal(info.HostConfig.Memory, 1024 * 1024 * 1024);

    const setosa = await httpRequest(`${url}/predict`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] }));
    assert.equal(setosa.status, 200, setosa.text);
    assert.deepEqual(JSON.parse(setosa.text).labels, ['setosa', 'virginica']);

    const curls = readmeCurls(readme);
    assert.equal(curls.length, 3, 'one curl example per protocol');
    const answers = curls.map((c) => {
      const run = spawnSync('sh', ['-c', c.replace('http://127.0.0.1:8080', url)], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.status, 0, `${c}\n${run.stderr}`);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    });
    const [lesson, v1, v2] = answers as [{ predictions: number[][]; labels: string[] }, { predictions: number[][] }, { outputs: Array<{ name: string; shape: number[]; data: number[] }> }];
    assert.equal(lesson.predictions.length, 1);
    assert.equal(lesson.predictions[0].length, 3);
    assert.ok(['setosa', 'versicolor', 'virginica'].includes(lesson.labels[0]));
    assert.deepEqual(v1.predictions, lesson.predictions);
    assert.equal(v2.outputs[0].name, 'probabilities');
    assert.deepEqual(v2.outputs[0].shape, [1, 3]);
    v2.outputs[0].data.forEach((p, i) => assert.ok(Math.abs(p - lesson.predictions[0][i]) < 1e-6));
  });

  it('the bundled openapi.json is exactly what the container serves', async () => {
    assert.ok(url, 'the container runs (previous test)');
    const served = await httpRequest(`${url}/openapi.json`);
    assert.equal(served.status, 200);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(bundleDir, 'openapi.json'), 'utf8')), JSON.parse(served.text));
  });

  it('the Grafana dashboard references only metric names the runtime exports', async () => {
    assert.ok(url, 'the container runs (previous test)');
    const scrape = await httpRequest(`${url}/metrics`);
    assert.equal(scrape.status, 200);
    const exported = new Set<string>();
    for (const [, name, type] of scrape.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
      else exported.add(name);
    }
    assert.ok(exported.has('modeldock_requests_total'));
    const dashboard = fs.readFileSync(path.join(bundleDir, 'monitoring/grafana-dashboard.json'), 'utf8');
    const parsed = JSON.parse(dashboard);
    const queries = [
      ...parsed.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr)),
      ...parsed.templating.list.map((v: { definition?: string }) => v.definition ?? ''),
    ].join('\n');
    const used = new Set([...queries.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]));
    assert.ok(used.size >= 14, `metrics used: ${[...used].join(', ')}`);
    // This bundle's model has no reference profile and is a classifier: drift and reference gauges appear only with a
    // profile, MAE only for regressions (tests/serving/monitoring-alerts.test.ts checks those against a profiled server).
    const conditional = new Set(['modeldock_feature_drift_psi', 'modeldock_feature_reference_mean', 'modeldock_prediction_drift_psi', 'modeldock_feedback_mean_absolute_error']);
    const unknown = [...used].filter((name) => !exported.has(name) && !conditional.has(name));
    assert.deepEqual(unknown, [], 'every metric the dashboard asks for is exported');
  });
});
