import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dnsSafeName, resolveRuntimeConfig, resolveRuntimeConfigDetailed } from '../../main/serving/resolve-runtime-config';
import { rejection } from '../support/rejection';
import { RuntimeConfigSchema } from '../../shared/schemas/serving';
import { ensureFixtures } from '../fixtures/make-fixtures';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-serve-config-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function modelIn(dir: string, name = 'iris.onnx'): Promise<string> {
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(await ensureFixtures(), 'iris.onnx'), target);
  return target;
}


test('without a spec: absolute path, name from the file, labels from the model, default serving settings', async (t) => {
  const dir = tempDir(t);
  const model = await modelIn(dir, 'Iris Classifier_v2.onnx');
  const relative = path.relative(process.cwd(), model);
  const { config, specPath } = await resolveRuntimeConfigDetailed(relative);
  assert.equal(specPath, null);
  assert.equal(config.model.path, model);
  assert.equal(config.model.name, 'iris-classifier-v2');
  assert.equal(config.model.version, '1');
  assert.deepEqual(config.labels, ['setosa', 'versicolor', 'virginica'], 'labels from metadata_props');
  assert.deepEqual(config.inputs, {});
  assert.equal(config.serving.port, 8080);
  assert.equal(config.serving.maxBatchDelayMs, 0);
  assert.equal(config.serving.gracePeriodSeconds, 20);
  // What the runtime validates at start: the resolved config must pass its schema as written to JSON.
  assert.deepEqual(RuntimeConfigSchema.parse(JSON.parse(JSON.stringify(config))), config);
});

test('the spec beside the model wins: name, version, description, labels, inputs and serving settings', async (t) => {
  const dir = tempDir(t);
  const model = await modelIn(dir);
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), [
    'apiVersion: modeldock/v1',
    'model:',
    '  path: iris.onnx',
    '  name: flowers',
    '  version: "3"',
    '  description: Iris species from petal and sepal sizes',
    'labels: [a, b, c]',
    'inputs:',
    '  input:',
    '    type: tabular',
    '    features: [sepal_length, sepal_width, petal_length, petal_width]',
    'serving:',
    '  port: 9000',
    '  maxBatchSize: 8',
    '  logLevel: debug',
    '',
  ].join('\n'));
  const { config, specPath } = await resolveRuntimeConfigDetailed(model);
  assert.equal(specPath, path.join(dir, 'modeldock.yaml'));
  assert.deepEqual(config.model, { path: model, name: 'flowers', version: '3', description: 'Iris species from petal and sepal sizes' });
  assert.deepEqual(config.labels, ['a', 'b', 'c']);
  assert.deepEqual(config.inputs.input, { type: 'tabular', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] });
  assert.equal(config.serving.port, 9000);
  assert.equal(config.serving.maxBatchSize, 8);
  assert.equal(config.serving.logLevel, 'debug');
  assert.equal(config.serving.maxQueue, 256, 'unset keys keep their defaults');
});

test('a given spec elsewhere is used, with labelsFile relative to it', async (t) => {
  const dir = tempDir(t);
  const model = await modelIn(dir);
  const specDir = path.join(dir, 'specs');
  fs.mkdirSync(specDir);
  fs.writeFileSync(path.join(specDir, 'classes.txt'), '# one per line\nred\n\ngreen\nblue\n');
  const specFile = path.join(specDir, 'other.yaml');
  fs.writeFileSync(specFile, 'apiVersion: modeldock/v1\nmodel:\n  path: ../iris.onnx\n  name: colours\nlabelsFile: classes.txt\n');
  const config = await resolveRuntimeConfig(model, specFile);
  assert.equal(config.model.name, 'colours');
  assert.deepEqual(config.labels, ['red', 'green', 'blue']);
});

test('an invalid spec is an error listing each problem with its key path', async (t) => {
  const dir = tempDir(t);
  const model = await modelIn(dir);
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: iris.onnx\n  name: Bad Name\nserving:\n  port: 99999\n  maxBatchSize: 0\n  colour: red\n');
  const error = await rejection(resolveRuntimeConfig(model));
  assert.equal(error.code, 'spec-invalid');
  assert.match(error.message, /model\.name/);
  assert.match(error.message, /serving\.port/);
  assert.match(error.message, /serving\.maxBatchSize/);
  assert.match(error.message, /colour/);
  assert.match(error.message, /modeldock\.yaml:\d+/, 'problems carry their line');
  assert.ok(error.fix);
});

test('missing files are named plainly: model, given spec, labelsFile', async (t) => {
  const dir = tempDir(t);
  const missingModel = await rejection(resolveRuntimeConfig(path.join(dir, 'nope.onnx')));
  assert.equal(missingModel.code, 'model-missing');
  assert.match(missingModel.message, /nope\.onnx does not exist/);

  const model = await modelIn(dir);
  const missingSpec = await rejection(resolveRuntimeConfig(model, path.join(dir, 'none.yaml')));
  assert.equal(missingSpec.code, 'spec-missing');

  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: iris.onnx\n  name: iris\nlabelsFile: labels.txt\n');
  const missingLabels = await rejection(resolveRuntimeConfig(model));
  assert.equal(missingLabels.code, 'labels-file-unreadable');
  assert.match(missingLabels.message, /labels\.txt/);

  const folder = await rejection(resolveRuntimeConfig(dir));
  assert.equal(folder.code, 'model-not-file');
});

test('dnsSafeName turns any file name into a route and image name', () => {
  assert.equal(dnsSafeName('iris.onnx'), 'iris');
  assert.equal(dnsSafeName('My Model (final).v3.onnx'), 'my-model-final-v3');
  assert.equal(dnsSafeName('___.onnx'), 'model');
  assert.equal(dnsSafeName(`${'a'.repeat(80)}.onnx`).length, 63);
  assert.match(dnsSafeName(`${'a'.repeat(62)}-b.onnx`), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
});
