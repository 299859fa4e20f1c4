import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../main/engine/engine';
import { computeReferenceProfile } from '../../main/monitoring/reference-profile';
import { planFeatures } from '../../main/monitoring/feature-plan';
import { psi } from '../../main/monitoring/drift-math';
import { resolveRuntimeConfig } from '../../main/serving/resolve-runtime-config';
import { MonitoringProfileSchema } from '../../shared/schemas/monitoring';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { IRIS_FEATURES, irisCsv, irisRows } from './monitoring-support';
import { tempDir } from './serving-support';

const SPEC = `apiVersion: modeldock/v1
model:
  path: iris.onnx
  name: iris
inputs:
  input:
    type: tabular
    features: [${IRIS_FEATURES.join(', ')}]
monitoring:
  windowSize: 300
  driftThreshold: 0.2
`;

test('monitor.profile computes a reference profile from a CSV, writes it beside the model, and the runtime config embeds it', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t, 'modeldock-profile-');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), path.join(dir, 'iris.onnx'));
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), SPEC);
  fs.writeFileSync(path.join(dir, 'sample.csv'), irisCsv(irisRows(1500, 7)));
  const engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  t.after(() => engine.dispose());

  const result = await engine.invoke('monitor.profile', { modelPath: path.join(dir, 'iris.onnx'), dataPath: path.join(dir, 'sample.csv') });
  assert.equal(result.profilePath, path.join(dir, 'iris.profile.json'));
  assert.equal(result.sampleCount, 1500);
  assert.deepEqual(result.features.map((f) => f.name), IRIS_FEATURES);
  assert.ok(result.features.every((f) => f.type === 'numeric' && f.bins === 10), JSON.stringify(result.features));
  // Class means 5.0 / 5.9 / 6.6 in turn: the sample mean is about 5.83.
  assert.ok(Math.abs(result.features[0].mean - 5.83) < 0.05, `sepal_length mean ${result.features[0].mean}`);
  assert.deepEqual(result.output, { name: 'probabilities', kind: 'classes' });

  const profile = MonitoringProfileSchema.parse(JSON.parse(fs.readFileSync(result.profilePath, 'utf8')));
  assert.equal(profile.source, 'sample.csv');
  for (const f of profile.features) {
    assert.equal(f.edges!.length, 9);
    assert.ok(Math.abs(f.proportions.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(f.proportions.every((p) => p > 0.07 && p < 0.13), `${f.name}: quantile bins hold about a tenth each: ${f.proportions}`);
    assert.ok(f.stats.min < f.edges![0] && f.edges![8] < f.stats.max);
  }
  // The model really separates the generated classes, so the predicted shares are about a third each.
  assert.deepEqual(profile.output!.classes, ['setosa', 'versicolor', 'virginica']);
  assert.ok(profile.output!.proportions.slice(0, 3).every((p) => p > 0.25 && p < 0.42), `${profile.output!.proportions}`);

  const config = await resolveRuntimeConfig(path.join(dir, 'iris.onnx'));
  assert.equal(config.monitoring?.windowSize, 300);
  assert.equal(config.monitoring?.enabled, true);
  assert.deepEqual(config.monitoring?.profile?.features.map((f) => f.name), IRIS_FEATURES);

  // A profile named in the spec must exist; one that is not valid is refused with its file name.
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), `${SPEC}  profile: missing.profile.json\n`);
  await assert.rejects(resolveRuntimeConfig(path.join(dir, 'iris.onnx')), (e: Error & { code?: string }) => e.code === 'profile-missing' && /missing\.profile\.json/.test(e.message));
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), SPEC);
  fs.writeFileSync(result.profilePath, '{"version": 1}');
  await assert.rejects(resolveRuntimeConfig(path.join(dir, 'iris.onnx')), (e: Error & { code?: string }) => e.code === 'profile-invalid' && /iris\.profile\.json/.test(e.message));
});

test('monitor.profile refuses missing data and CSVs without the model\'s columns, with the cause', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t, 'modeldock-profile-');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), path.join(dir, 'iris.onnx'));
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), SPEC);
  fs.writeFileSync(path.join(dir, 'wrong.csv'), 'a,b,c,d\n1,2,3,4\n');
  const engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  t.after(() => engine.dispose());
  const missing = await engine.call('monitor.profile', { modelPath: path.join(dir, 'iris.onnx'), dataPath: path.join(dir, 'nope.csv') });
  assert.equal(missing.ok, false);
  assert.equal(!missing.ok && missing.error.code, 'profile-data-missing');
  const wrong = await engine.call('monitor.profile', { modelPath: path.join(dir, 'iris.onnx'), dataPath: path.join(dir, 'wrong.csv') });
  assert.equal(wrong.ok, false);
  assert.match(!wrong.ok ? wrong.error.message : '', /sepal_length/);
  assert.equal(fs.existsSync(path.join(dir, 'iris.profile.json')), false, 'nothing written on failure');
});

test('integer-coded columns with few values are categorical; PSI is 0 for the same shares and grows with the shift', () => {
  const rows = 600;
  const data = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) { data[r * 2] = r / rows; data[r * 2 + 1] = r % 3; }
  const inputs = [{ name: 'x', isTensor: true, elementType: 'float32' as const, dims: ['batch', 2] }];
  const plan = planFeatures(inputs);
  const profile = computeReferenceProfile([{ name: 'x', elementType: 'float32', dims: [rows, 2], data }], plan.features, { bins: 5, source: 'x.npy' });
  const [numeric, category] = profile.features;
  assert.equal(numeric.type, 'numeric');
  assert.equal(numeric.edges!.length, 4);
  assert.equal(category.type, 'categorical');
  assert.deepEqual(category.categories, [0, 1, 2]);
  assert.deepEqual(category.proportions.map((p) => Math.round(p * 1000) / 1000), [0.333, 0.333, 0.333, 0]);
  assert.equal(psi(category.proportions, [100, 100, 100, 0]), 0);
  const slight = psi(category.proportions, [120, 100, 80, 0]);
  const strong = psi(category.proportions, [250, 40, 10, 0]);
  assert.ok(slight > 0 && slight < 0.1 && strong > 0.5, `${slight} ${strong}`);
  assert.ok(Number.isNaN(psi(category.proportions, [0, 0, 0, 0])));
});
