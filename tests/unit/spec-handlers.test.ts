import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';

/** The spec calls through the engine, as the UI makes them. */
let work: string;
let engine: Engine;

before(async () => {
  const fixtures = await ensureFixtures();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-spec-calls-'));
  fs.copyFileSync(path.join(fixtures, 'cnn.onnx'), path.join(work, 'cnn.onnx'));
  fs.mkdirSync(path.join(work, 'other'));
  fs.copyFileSync(path.join(fixtures, 'model.pkl'), path.join(work, 'other', 'model.pkl'));
  engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
});

after(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

test('spec.forModel offers a starter from the model: labels from metadata and an image block', async () => {
  const doc = await engine.invoke('spec.forModel', { modelPath: path.join(work, 'cnn.onnx') });
  assert.equal(doc.exists, false);
  assert.equal(doc.specPath, path.join(work, 'modeldock.yaml'));
  assert.deepEqual(doc.issues, []);
  assert.equal(doc.spec?.model.name, 'cnn');
  assert.equal(doc.spec?.labels?.length, 10);
  assert.equal(doc.spec?.labels?.[0], 'airplane');
  const image = doc.spec?.inputs?.image;
  assert.ok(image && image.type === 'image' && image.layout === 'NCHW');
  assert.match(doc.text, /# Where the channel axis sits/);
  assert.equal(fs.existsSync(doc.specPath), false, 'offering a starter writes nothing');
});

test('a model that is not ONNX still gets a valid starter', async () => {
  const doc = await engine.invoke('spec.forModel', { modelPath: path.join(work, 'other', 'model.pkl') });
  assert.deepEqual(doc.issues, []);
  assert.equal(doc.spec?.model.path, 'model.pkl');
});

test('spec.write saves valid text, refuses invalid text, and spec.forModel then returns the saved file', async () => {
  const starter = await engine.invoke('spec.forModel', { modelPath: path.join(work, 'cnn.onnx') });
  const edited = starter.text.replace('name: cnn', 'name: cifar-net  # my name');
  const saved = await engine.invoke('spec.write', { path: starter.specPath, text: edited });
  assert.deepEqual(saved.issues, []);
  assert.equal(fs.readFileSync(starter.specPath, 'utf8'), edited);

  const refused = await engine.invoke('spec.write', { path: starter.specPath, text: edited.replace('layout: NCHW', 'layout: CHWN') });
  assert.equal(refused.spec, null);
  assert.equal(refused.issues[0].path, 'inputs.image.layout');
  assert.equal(refused.text, edited.replace('layout: NCHW', 'layout: CHWN'), 'the rejected text comes back so nothing typed is lost');
  assert.equal(fs.readFileSync(starter.specPath, 'utf8'), edited, 'the file is untouched');

  const again = await engine.invoke('spec.forModel', { modelPath: path.join(work, 'cnn.onnx') });
  assert.equal(again.exists, true);
  assert.equal(again.spec?.model.name, 'cifar-net');
  const read = await engine.invoke('spec.read', { path: starter.specPath });
  assert.equal(read.text, edited);
});
