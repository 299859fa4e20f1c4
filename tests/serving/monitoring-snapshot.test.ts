import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { freePort, IRIS_FEATURES, irisCsv, irisRows } from './monitoring-support';
import { buildRuntime, postJson, tempDir } from './serving-support';

/**
 * 'monitor.snapshot' against a real local server (serve.start) with a reference profile: the local target and the
 * same server by URL give traffic, per-feature drift, predicted classes and process figures; shifted inputs raise
 * a drift alert for that feature only, with the thresholds from the spec or the request; bad URLs are refused and
 * a silent one is reported as unreachable.
 */
const SPEC = `apiVersion: modeldock/v1
model:
  path: iris.onnx
  name: iris
labels: [setosa, versicolor, virginica]
inputs:
  input:
    type: tabular
    features: [${IRIS_FEATURES.join(', ')}]
monitoring:
  windowSize: 200
  driftThreshold: 0.3
  alerts:
    latencyP99Ms: 60000
`;

test('monitor.snapshot: local and URL targets, drift per feature, alerts, history, bad and silent URLs', { timeout: 120000 }, async (t) => {
  buildRuntime();
  const fixtures = await ensureFixtures();
  const dir = tempDir(t, 'modeldock-snapshot-');
  const model = path.join(dir, 'iris.onnx');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), model);
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), SPEC);
  fs.writeFileSync(path.join(dir, 'reference.csv'), irisCsv(irisRows(1000, 1)));
  const engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  t.after(() => engine.dispose());

  const stopped = await engine.invoke('monitor.snapshot', { target: { kind: 'local', modelPath: model } });
  assert.equal(stopped.state, 'stopped');
  assert.match(stopped.note ?? '', /Run step/);

  await engine.invoke('monitor.profile', { modelPath: model, dataPath: path.join(dir, 'reference.csv') });
  const server = await engine.invoke('serve.start', { modelPath: model });
  const local = { target: { kind: 'local' as const, modelPath: model } };
  const first = await engine.invoke('monitor.snapshot', local);
  assert.equal(first.state, 'live');
  assert.equal(first.modelName, 'iris');
  assert.equal(first.thresholds.driftThreshold, 0.3, 'the spec\'s threshold');
  assert.equal(first.latest?.ready, true);
  assert.deepEqual(first.latest?.features.map((f) => f.name), IRIS_FEATURES);

  const send = async (rows: number[][]) => {
    for (let i = 0; i < rows.length; i += 20) assert.equal((await postJson(`${server.url}/predict`, { instances: rows.slice(i, i + 20) })).status, 200);
  };
  await send(irisRows(200, 2));
  await new Promise((r) => setTimeout(r, 1000));
  const calm = await engine.invoke('monitor.snapshot', local);
  assert.equal(calm.latest!.requests, 10);
  assert.ok(calm.latest!.requestsPerSecond! > 0);
  assert.equal(Object.values(calm.latest!.predictions).reduce((a, b) => a + b, 0), 200);
  assert.ok(Object.keys(calm.latest!.predictions).every((c) => ['setosa', 'versicolor', 'virginica'].includes(c)));
  for (const f of calm.latest!.features) assert.ok(f.psi !== null && f.psi < 0.3, `${f.name} PSI ${f.psi}`);
  assert.deepEqual(calm.alerts, []);
  assert.ok(calm.latest!.rssBytes! > 10e6);
  assert.ok(calm.latest!.cpuCores !== null);
  assert.equal(calm.latest!.serverErrorRate, 0);
  assert.equal(calm.history.length, 2);

  await send(irisRows(200, 3, { 2: 2.5 }));
  await new Promise((r) => setTimeout(r, 1000));
  const shifted = await engine.invoke('monitor.snapshot', local);
  const drifted = shifted.latest!.features.filter((f) => f.psi! > 0.3).map((f) => f.name);
  assert.deepEqual(drifted, ['petal_length']);
  assert.deepEqual(shifted.alerts.filter((a) => a.kind === 'drift').map((a) => a.feature), ['petal_length']);
  const petal = shifted.latest!.features.find((f) => f.name === 'petal_length')!;
  assert.ok(petal.mean! - petal.referenceMean! > 2, `window mean ${petal.mean} vs reference ${petal.referenceMean}`);
  assert.equal(petal.drifted, true);

  // The same server by URL (the engine fetches it): its own history, and thresholds from the request.
  const byUrl = await engine.invoke('monitor.snapshot', { target: { kind: 'url', url: `${server.url}/` }, thresholds: { driftThreshold: 50 } });
  assert.equal(byUrl.state, 'live');
  assert.equal(byUrl.target.metricsUrl, `${server.url}/metrics`);
  assert.equal(byUrl.history.length, 1);
  assert.equal(byUrl.thresholds.driftThreshold, 50);
  assert.deepEqual(byUrl.alerts.filter((a) => a.kind === 'drift'), []);

  for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/', 'not a url', 'http://user:pw@127.0.0.1:1/']) {
    await assert.rejects(engine.invoke('monitor.snapshot', { target: { kind: 'url', url } }), (e: Error & { code?: string }) => e.code === 'monitor-url-invalid', url);
  }
  const silent = await engine.invoke('monitor.snapshot', { target: { kind: 'url', url: `http://127.0.0.1:${await freePort()}` } });
  assert.equal(silent.state, 'unreachable');
  assert.match(silent.note ?? '', /Could not read/);
  assert.deepEqual(silent.alerts, []);
});
