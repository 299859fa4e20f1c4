import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveRuntimeConfig } from '../../main/serving/resolve-runtime-config';
import { IRIS_FEATURES, irisRows, prometheusMissing, startPrometheus, irisMonitoringSpec, monitoredIris } from './monitoring-support';
import { postJson, startServer, tempDir } from './serving-support';

/**
 * The whole loop with real parts: the engine captures a reference profile from a CSV, the runtime config embeds it,
 * the runtime serves iris, and a real Prometheus scrapes it every second. The test sends a known sequence of
 * requests and reads the values back through Prometheus's HTTP API: request and class counts, the window, drift
 * scores that stay low for in-distribution traffic and cross the threshold only for the one shifted feature, and
 * rolling accuracy from ground-truth feedback.
 */
const SPEC = irisMonitoringSpec(300);
const ROWS_PER_REQUEST = 10;
const REQUESTS = 30;

test('Prometheus scrapes the runtime: request and class counts, drift only for the shifted feature, feedback accuracy', { timeout: 120000 }, async (t) => {
  const missing = prometheusMissing();
  if (missing) { t.skip(missing); return; }
  const dir = tempDir(t, 'modeldock-prometheus-');
  const { model } = await monitoredIris(t, dir, SPEC);
  const configPath = path.join(dir, 'runtime.json');
  fs.writeFileSync(configPath, JSON.stringify(await resolveRuntimeConfig(model)));

  const server = await startServer(t, { args: ['--config', configPath] });
  const prometheus = await startPrometheus(t, dir, `127.0.0.1:${server.port}`);
  await prometheus.until('up{job="modeldock"}', (r) => r.length === 1 && r[0].value === 1, 'the runtime target to be up');

  // Phase 1: in-distribution traffic (another seed than the reference), plus two refused requests.
  const classCounts = new Map<string, number>();
  const ids: string[] = [];
  const labelsById = new Map<string, string[]>();
  const send = async (rows: number[][]) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_REQUEST) {
      const answer = await postJson(`${server.url}/predict`, { instances: rows.slice(i, i + ROWS_PER_REQUEST) });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const id = answer.headers.get('x-request-id')!;
      ids.push(id);
      labelsById.set(id, answer.body.labels);
      for (const label of answer.body.labels as string[]) classCounts.set(label, (classCounts.get(label) ?? 0) + 1);
    }
  };
  await send(irisRows(REQUESTS * ROWS_PER_REQUEST, 2));
  assert.equal((await postJson(`${server.url}/predict`, { instances: [[1, 2, 3]] })).status, 400);
  assert.equal((await postJson(`${server.url}/predict`, { rows: [] })).status, 400);

  await prometheus.until('modeldock_requests_total{route="/predict",method="POST",status="200"}', (r) => r.length === 1 && r[0].value === REQUESTS, '30 answered requests');
  const refused = await prometheus.query('modeldock_requests_total{route="/predict",status="400"}');
  assert.equal(refused[0]?.value, 2);
  const classes = await prometheus.query('modeldock_predictions_total');
  assert.deepEqual(
    Object.fromEntries(classes.map((c) => [c.metric.class, c.value])),
    Object.fromEntries(classCounts),
  );
  assert.equal(classes.reduce((n, c) => n + c.value, 0), REQUESTS * ROWS_PER_REQUEST);
  assert.equal((await prometheus.query('modeldock_monitoring_window_rows'))[0].value, 300);
  const calm = await prometheus.query('modeldock_feature_drift_psi');
  assert.deepEqual(calm.map((r) => r.metric.feature).sort(), [...IRIS_FEATURES].sort());
  for (const r of calm) assert.ok(r.value >= 0 && r.value < 0.2, `in-distribution ${r.metric.feature}: PSI ${r.value}`);
  assert.deepEqual((await prometheus.query('modeldock_feature_drifted == 1')), []);
  const mean = await prometheus.query('modeldock_feature_mean{feature="petal_length"}');
  assert.ok(Math.abs(mean[0].value - (1.5 + 4.3 + 5.5) / 3) < 0.15, `petal_length window mean ${mean[0].value}`);

  // Ground truth for two predictions: all ten rows right, then five right and five wrong -> 15 / 20.
  const [first, second] = ids;
  const truth = labelsById.get(first)!;
  const wrong = (label: string) => (label === 'setosa' ? 'virginica' : 'setosa');
  const mixed = labelsById.get(second)!.map((label, i) => (i < 5 ? label : wrong(label)));
  // The first as TF Serving clients may spell text, {"b64": ...}: the same class names.
  const truthB64 = truth.map((label) => ({ b64: Buffer.from(label).toString('base64') }));
  assert.equal((await postJson(`${server.url}/feedback`, { id: first, outcome: truthB64 })).body.correct, 10);
  const scored = await postJson(`${server.url}/v2/models/iris/feedback`, { id: second, outcome: mixed });
  assert.equal(scored.status, 200, JSON.stringify(scored.body));
  assert.equal(scored.body.accuracy, 0.75);
  await prometheus.until('modeldock_feedback_accuracy', (r) => r.length === 1 && r[0].value === 0.75, 'rolling accuracy 0.75');
  assert.equal((await prometheus.query('modeldock_feedback_rows_total'))[0].value, 20);

  // Phase 2: the same traffic with sepal width moved up by 1.5 (about three standard deviations within a class).
  await send(irisRows(REQUESTS * ROWS_PER_REQUEST, 3, { 1: 1.5 }));
  await prometheus.until('modeldock_requests_total{route="/predict",method="POST",status="200"}', (r) => r[0]?.value === 2 * REQUESTS, 'the second phase scraped');
  const shifted = await prometheus.until('modeldock_feature_drifted == 1', (r) => r.length >= 1, 'a drifted feature');
  assert.deepEqual(shifted.map((r) => r.metric.feature), ['sepal_width']);
  const scores = Object.fromEntries((await prometheus.query('modeldock_feature_drift_psi')).map((r) => [r.metric.feature, r.value]));
  assert.ok(scores.sepal_width > 1, `sepal_width PSI ${scores.sepal_width}`);
  for (const f of ['sepal_length', 'petal_length', 'petal_width']) assert.ok(scores[f] < 0.2, `${f} PSI ${scores[f]} should stay under the threshold`);
  const aboveThreshold = await prometheus.query('modeldock_feature_drift_psi > on() group_left modeldock_drift_threshold');
  assert.deepEqual(aboveThreshold.map((r) => r.metric.feature), ['sepal_width']);
  assert.equal((await prometheus.query('modeldock_monitoring_window_rows'))[0].value, 300, 'the window stays bounded');

  // With a profile the exposition has drift gauges and prediction drift too: still clean for promtool.
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(text, /^modeldock_prediction_drift_psi \S+$/m);
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(lint.status, 0, `promtool: ${lint.stdout}${lint.stderr}`);
  assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '');
});
