import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { postJson, runToExit, startServer, tempDir } from './serving-support';

/**
 * Model monitoring in the runtime, read from /metrics directly: regression outputs (value histogram, feedback as
 * mean absolute error), image inputs (mean intensity per channel), feedback errors, the off switch, and a profile
 * that does not fit the model. Each /metrics text also passes promtool.
 */
function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function promtoolCheck(text: string): string | null {
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (check.error) return null;
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  return `${check.stdout}${check.stderr}`.trim();
}

test('a regression: output value histogram, input summaries incl. an integer column, feedback as rolling mean absolute error', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'multi-input.onnx')] });
  const instances = [
    { features: [1, 2, 3], category: [1] },
    { features: [2, 4, 6], category: [2] },
  ];
  const answer = await postJson(`${server.url}/predict`, { instances });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const predicted = (answer.body.predictions as number[][]).map((p) => p[0]);
  const id = answer.headers.get('x-request-id')!;

  let text = await (await fetch(`${server.url}/metrics`)).text();
  assert.equal(metricValue(text, 'modeldock_prediction_value_count'), 2);
  assert.ok(Math.abs(metricValue(text, 'modeldock_prediction_value_sum')! - (predicted[0] + predicted[1])) < 1e-3);
  assert.equal(metricValue(text, 'modeldock_feature_mean{feature="features[1]"}'), 3);
  assert.equal(metricValue(text, 'modeldock_feature_max{feature="category"}'), 2);
  assert.equal(metricValue(text, 'modeldock_monitoring_window_rows'), 2);
  assert.doesNotMatch(text, /modeldock_feature_drift_psi\{/, 'no profile, no drift scores');
  assert.equal(promtoolCheck(text) ?? '', '');

  // Feedback: a count that does not match the rows is refused; then errors of 1 and 3 give a mean of 2.
  const short = await postJson(`${server.url}/feedback`, { id, outcome: 5 });
  assert.equal(short.status, 400);
  assert.match(short.body.error, /list of 2 values/);
  const notNumber = await postJson(`${server.url}/feedback`, { id, outcome: [1, 'many'] });
  assert.equal(notNumber.status, 400);
  assert.match(notNumber.body.error, /outcome"\[1\] must be a number/);
  const scored = await postJson(`${server.url}/feedback`, { id, outcome: [predicted[0] + 1, predicted[1] - 3] });
  assert.equal(scored.status, 200, JSON.stringify(scored.body));
  assert.ok(Math.abs(scored.body.meanAbsoluteError - 2) < 1e-4);
  text = await (await fetch(`${server.url}/metrics`)).text();
  assert.ok(Math.abs(metricValue(text, 'modeldock_feedback_mean_absolute_error')! - 2) < 1e-4);
  assert.equal(metricValue(text, 'modeldock_feedback_rows_total'), 2);

  const unknown = await postJson(`${server.url}/feedback`, { id: 'never-seen', outcome: 1 });
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error, /No prediction with id "never-seen"/);
  const notJson = await fetch(`${server.url}/feedback`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{id' });
  assert.equal(notJson.status, 400);
  assert.equal((await postJson(`${server.url}/v2/models/other/feedback`, { id, outcome: [1, 2] })).status, 404);
});

test('image inputs are summarised by the mean intensity of each channel after preprocessing', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')] });
  const png = new PNG({ width: 32, height: 32 });
  for (let i = 0; i < 32 * 32; i++) png.data.set([200, 100, 50, 255], i * 4);
  const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: PNG.sync.write(png) });
  assert.equal(res.status, 200);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  // A bare model's image input is scaled by 1/255.
  for (const [c, v] of [[0, 200], [1, 100], [2, 50]]) {
    const mean = metricValue(text, `modeldock_feature_mean{feature="image:mean_c${c}"}`);
    assert.ok(mean !== undefined && Math.abs(mean - v / 255) < 1e-4, `channel ${c}: ${mean}`);
  }
  assert.equal(promtoolCheck(text) ?? '', '');
});

test('MODELDOCK_MONITORING=off leaves only the switch; feedback answers 409; a bad value or an unfitting profile exits 2', async (t) => {
  const fixtures = await ensureFixtures();
  const iris = path.join(fixtures, 'iris.onnx');
  const server = await startServer(t, { args: ['--model', iris], env: { MODELDOCK_MONITORING: 'off' } });
  const answer = await postJson(`${server.url}/predict`, { instances: [[5.1, 3.5, 1.4, 0.2]] });
  assert.equal(answer.status, 200);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.equal(metricValue(text, 'modeldock_monitoring_enabled'), 0);
  assert.doesNotMatch(text, /modeldock_feature_|modeldock_feedback_/);
  assert.match(text, /^modeldock_predictions_total\{class="setosa"\} 1$/m, 'class counts stay: they are application metrics');
  const feedback = await postJson(`${server.url}/feedback`, { id: answer.headers.get('x-request-id'), outcome: 'setosa' });
  assert.equal(feedback.status, 409);
  assert.match(feedback.body.error, /monitoring is off/);
  assert.equal(server.logs.find((l) => l.event === 'ready')!.monitoring, false);

  const bad = runToExit(['--model', iris], { MODELDOCK_MONITORING: 'sometimes' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /MODELDOCK_MONITORING="sometimes" must be on or off/);

  const dir = tempDir(t, 'modeldock-monitoring-');
  const config = path.join(dir, 'runtime.json');
  const profile = {
    version: 1, createdAt: new Date().toISOString(), source: 'x.csv', sampleCount: 10,
    features: [{ name: 'age', input: 'tabular', kind: 'column', index: 0, type: 'numeric', edges: [1], proportions: [0.5, 0.5], stats: { count: 10, mean: 1, std: 1, min: 0, max: 2 } }],
  };
  fs.writeFileSync(config, JSON.stringify({ model: { path: iris, name: 'iris' }, monitoring: { profile } }));
  const unfit = runToExit(['--config', config]);
  assert.equal(unfit.code, 2, unfit.stdout + unfit.stderr);
  assert.match(unfit.stderr, /profile does not fit this model: feature "age" reads input "tabular", which the model does not have/);
  fs.writeFileSync(config, JSON.stringify({ model: { path: iris, name: 'iris' }, monitoring: { profile: { ...profile, features: [{ ...profile.features[0], proportions: [1] }] } } }));
  const invalid = runToExit(['--config', config]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /monitoring\.profile\.features\.0.*needs 2 entries/);
});

test('feedback remembers a bounded number of predictions, by the server\'s ids and by ids the client chose', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t, 'modeldock-monitoring-');
  const config = path.join(dir, 'runtime.json');
  fs.writeFileSync(config, JSON.stringify({ model: { path: path.join(fixtures, 'iris.onnx'), name: 'iris' }, labels: ['setosa', 'versicolor', 'virginica'], monitoring: { rememberPredictions: 2 } }));
  const server = await startServer(t, { args: ['--config', config] });
  const row = { instances: [[5.1, 3.5, 1.4, 0.2]] };
  const serverIds: string[] = [];
  for (let i = 0; i < 3; i++) serverIds.push((await postJson(`${server.url}/predict`, row)).headers.get('x-request-id')!);
  for (const id of ['order-1', 'order-2', 'order-3']) assert.equal((await postJson(`${server.url}/predict`, row, { 'X-Request-Id': id })).headers.get('x-request-id'), id);

  assert.equal((await postJson(`${server.url}/feedback`, { id: serverIds[0], outcome: 'setosa' })).status, 404, 'the oldest server id is forgotten');
  assert.equal((await postJson(`${server.url}/feedback`, { id: 'order-1', outcome: 'setosa' })).status, 404, 'the oldest client id is forgotten');
  assert.equal((await postJson(`${server.url}/feedback`, { id: serverIds[2], outcome: 0 })).body.correct, 1, 'a class index names the class');
  assert.equal((await postJson(`${server.url}/feedback`, { id: 'order-3', outcome: 'virginica' })).body.correct, 0);
  const badLabel = await postJson(`${server.url}/feedback`, { id: 'order-2', outcome: { label: 'setosa' } });
  assert.equal(badLabel.status, 400);
  assert.match(badLabel.body.error, /must be the true class: a label \("setosa", "versicolor", "virginica"\) or a class index/);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.equal(metricValue(text, 'modeldock_feedback_accuracy'), 0.5);
  assert.equal(metricValue(text, 'modeldock_feedback_window_rows'), 2);
});
