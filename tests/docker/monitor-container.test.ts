// Monitoring a deployed model for real: the reference profile captured by the engine is baked into the image, the
// container runs on 127.0.0.1, a real Prometheus scrapes it, and the app's own live view (monitor.snapshot on a
// container target) sees the same drift: low for in-distribution traffic, over the threshold only for the shifted
// feature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import { ensureBuilt } from '../support/ensure-built';
import { IRIS_FEATURES, irisMonitoringSpec, irisRows, monitoredIris, prometheusMissing, startPrometheus } from '../serving/monitoring-support';
import { postJson, tempDir } from '../serving/serving-support';
import { removeImage } from './image-support';

const SPEC = irisMonitoringSpec(200);

test('Prometheus and the Monitor view watch a container: drift crosses the threshold only for the shifted feature', { timeout: 180000 }, async (t) => {
  const missing = prometheusMissing();
  if (missing) { t.skip(missing); return; }
  ensureBuilt();
  const dir = tempDir(t, 'modeldock-monitor-container-');
  const tag = `modeldock-test/iris-monitor:${process.pid}`;
  t.after(() => removeImage(tag));
  const { model, engine } = await monitoredIris(t, dir, SPEC);
  await engine.invoke('docker.makeBase', {});
  await engine.invoke('image.build', { modelPath: model, base: OFFLINE_BASE_IMAGE, tag });
  const container = await engine.invoke('container.run', { image: tag });
  assert.ok(container.url);
  const url = container.url!;

  const prometheus = await startPrometheus(t, dir, `127.0.0.1:${container.hostPort}`);
  await prometheus.until('up{job="modeldock"}', (r) => r.length === 1 && r[0].value === 1, 'the container to be up');

  const send = async (rows: number[][]) => {
    for (let i = 0; i < rows.length; i += 10) {
      const answer = await postJson(`${url}/predict`, { instances: rows.slice(i, i + 10) });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
  };
  // In distribution (another seed than the reference): no feature drifts.
  await send(irisRows(200, 7));
  const calm = await prometheus.until('modeldock_feature_drift_psi', (r) => r.length === 4 && r.every((s) => s.value < 0.2), 'in-distribution drift scores');
  assert.deepEqual(calm.map((s) => s.metric.feature).sort(), [...IRIS_FEATURES].sort());
  const snapshotCalm = await engine.invoke('monitor.snapshot', { target: { kind: 'container', id: container.id } });
  assert.equal(snapshotCalm.state, 'live');
  assert.equal(snapshotCalm.modelName, 'iris');
  assert.deepEqual(snapshotCalm.alerts.filter((a) => /drift/i.test(JSON.stringify(a))), []);

  // petal_length (feature 2) shifted by 3 cm: only it crosses the threshold.
  await send(irisRows(200, 8, { 2: 3 }));
  const drifted = await prometheus.until('modeldock_feature_drifted == 1', (r) => r.length >= 1, 'the shifted feature to drift');
  assert.deepEqual(drifted.map((s) => s.metric.feature), ['petal_length']);
  const psi = await prometheus.query('modeldock_feature_drift_psi');
  for (const s of psi) assert.equal(s.value > 0.2, s.metric.feature === 'petal_length', `${s.metric.feature}: ${s.value}`);
  const answered = await prometheus.query('sum(modeldock_requests_total{route="/predict",status="200"})');
  assert.equal(answered[0]?.value, 40);

  // The app's view scrapes at most about once a second: ask until a fresh sample carries the drift.
  let snapshot = await engine.invoke('monitor.snapshot', { target: { kind: 'container', id: container.id } });
  for (let i = 0; i < 40 && !snapshot.alerts.some((a) => JSON.stringify(a).includes('petal_length')); i++) {
    await new Promise((r) => setTimeout(r, 250));
    snapshot = await engine.invoke('monitor.snapshot', { target: { kind: 'container', id: container.id } });
  }
  assert.equal(snapshot.state, 'live');
  assert.ok(snapshot.alerts.some((a) => JSON.stringify(a).includes('petal_length')), JSON.stringify(snapshot.alerts));
  assert.ok(!snapshot.alerts.some((a) => /sepal_length|sepal_width|petal_width/.test(JSON.stringify(a))), JSON.stringify(snapshot.alerts));
  await engine.invoke('container.stop', { id: container.id });
});
