import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { PNG } from 'pngjs';
import { orientationTiff, pngWithExif } from '../support/exif-bytes';
import { runCaptured } from './cli-support';

/** The model commands against real fixture models and the real engine (worker process included). */
let fixtures: string;
let work: string;
let engine: Engine;

before(async () => {
  fixtures = await ensureFixtures();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-model-'));
  for (const f of ['iris.onnx', 'cnn.onnx', 'zipmap.onnx', 'multi-input.onnx']) fs.copyFileSync(path.join(fixtures, f), path.join(work, f));
  engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
});

after(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

test('inspect prints inputs, outputs and labels; --json prints the report', async () => {
  const human = await runCaptured(['inspect', 'iris.onnx'], { engine, cwd: work });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^iris\.onnx {2}ONNX/);
  assert.match(human.stdout, /Inputs\n {2}name {3}type {5}shape\n.*\n {2}input {2}float32 {2}\[batch, 4\]/);
  assert.match(human.stdout, /probabilities {2}float32 {2}\[batch, 3\]/);
  assert.match(human.stdout, /Labels \(3\) {2}setosa, versicolor, virginica/);
  const json = await runCaptured(['inspect', 'iris.onnx', '--json'], { engine, cwd: work });
  const report = JSON.parse(json.stdout);
  assert.equal(report.format, 'onnx');
  assert.equal(report.onnx.inputs[0].name, 'input');
});

test('inspect of a non-ONNX model explains how to convert it; a broken file fails with exit 1', async () => {
  const pkl = await runCaptured(['inspect', path.join(fixtures, 'model.pkl')], { engine, cwd: work });
  assert.equal(pkl.code, 0);
  assert.match(pkl.stdout, /To convert it to ONNX:\n {2}1\. /);
  const broken = await runCaptured(['inspect', path.join(fixtures, 'truncated.onnx')], { engine, cwd: work });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^Error: .+\n {2}.+\n {2}Fix: /);
  assert.doesNotMatch(broken.stderr, /\n\s+at /);
});

test('validate exits 0 for a good model and 1 with the fix command for a ZipMap model', async () => {
  const good = await runCaptured(['validate', 'iris.onnx'], { engine, cwd: work });
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /ready to run: 0 errors/);
  const zip = await runCaptured(['validate', 'zipmap.onnx'], { engine, cwd: work });
  assert.equal(zip.code, 1);
  assert.match(zip.stdout, /ERROR/);
  assert.match(zip.stdout, /Fix: {2}modeldock fix zipmap\.onnx --remove-zipmap/);
  const json = await runCaptured(['validate', 'zipmap.onnx', '--json'], { engine, cwd: work });
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).ok, false);
});

test('validate draws a progress bar on a terminal, and none when piped', async () => {
  const tty = await runCaptured(['validate', 'iris.onnx'], { engine, cwd: work, tty: true });
  assert.match(tty.stderr, /\r\x1b\[2K\[[#-]{24}\] +\d+%/);
  const piped = await runCaptured(['validate', 'iris.onnx'], { engine, cwd: work });
  assert.equal(piped.stderr, '');
});

test('predict --json prints each output with name, dims, elementType and data; labels give the top-k', async () => {
  const r = await runCaptured(['predict', 'iris.onnx', '--json-input', '[[5.1, 3.5, 1.4, 0.2]]', '--json', '--top', '2'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out.outputs[0]).sort(), ['data', 'dims', 'elementType', 'name']);
  assert.equal(out.outputs[0].name, 'probabilities');
  assert.deepEqual(out.outputs[0].dims, [1, 3]);
  assert.equal(out.outputs[0].elementType, 'float32');
  assert.equal(out.outputs[0].data.length, 3);
  assert.equal(out.classification.rows[0].top.length, 2);
  assert.equal(out.classification.rows[0].top[0].label, 'setosa');
});

test('predict reads input files, binds NAME=FILE, repeats for latency and prints tables', async () => {
  fs.writeFileSync(path.join(work, 'flowers.json'), '[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]');
  const r = await runCaptured(['predict', 'iris.onnx', '--input', 'input=flowers.json', '--repeat', '5'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Inputs {2}input float32 \[2, 4\]/);
  assert.match(r.stdout, /Top 3 for row 2 .*\n.*\n.*\n {2}1 {2}virginica/);
  assert.match(r.stdout, /Latency {2}5 runs · first .* · p50 /);
  const wrong = await runCaptured(['predict', 'iris.onnx', '--json-input', '[[1, 2, 3]]'], { engine, cwd: work });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /"input"/);
});

test('predict with a photo prints what the model was given per channel, and a note for a photo stored turned', async () => {
  const png = new PNG({ width: 40, height: 30 });
  for (let i = 0; i < 40 * 30; i++) png.data.set([200, (i * 3) % 256, 40, 255], i * 4);
  fs.writeFileSync(path.join(work, 'portrait.png'), pngWithExif(PNG.sync.write(png), orientationTiff(8)));
  const r = await runCaptured(['predict', 'cnn.onnx', '--input', 'image=portrait.png'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}portrait\.png -> image 32x32 NCHW: R 0\.784\d*\.\.0\.784\d* \(mean 0\.784\d*\), G /m);
  assert.match(r.stdout, /note: portrait\.png is stored turned 90° clockwise \(EXIF orientation 8\)/);
  const json = JSON.parse((await runCaptured(['predict', 'cnn.onnx', '--input', 'image=portrait.png', '--json'], { engine, cwd: work })).stdout);
  assert.equal(json.previews[0].width, 32);
  assert.equal(PNG.sync.read(Buffer.from(json.previews[0].png, 'base64')).width, 32, 'the preview is a real PNG');
});

test('--spec: predict takes the model and labels from the spec', async () => {
  const dir = path.join(work, 'spec-case');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(work, 'iris.onnx'), path.join(dir, 'flower-model.onnx'));
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: flower-model.onnx\n  name: flowers\nlabels: [small, medium, large]\n');
  const r = await runCaptured(['predict', '--spec', path.join(dir, 'modeldock.yaml'), '--json-input', '[[5.1, 3.5, 1.4, 0.2]]', '--json'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).classification.rows[0].top[0].label, 'small');
});

test('bench prints a table per configuration and saves results unless --no-save', async () => {
  const r = await runCaptured(['bench', 'iris.onnx', '--batch', '1,4', '--threads', '1', '--runs', '5', '--warmup', '1'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /batch +threads +runs +p50 +p90 +p99 +max +mean +throughput/);
  assert.match(r.stdout, /\n +1 +1 +5 /);
  assert.match(r.stdout, /\n +4 +1 +5 /);
  assert.match(r.stdout, /Saved to /);
  const json = await runCaptured(['bench', 'iris.onnx', '--runs', '3', '--warmup', '0', '--no-save', '--json'], { engine, cwd: work });
  const result = JSON.parse(json.stdout);
  assert.equal(result.savedTo, null);
  assert.equal(result.results[0].runs, 3);
});

test('fix --remove-zipmap writes a copy whose outputs are tensors', async () => {
  const out = path.join(work, 'fixed.onnx');
  const r = await runCaptured(['fix', 'zipmap.onnx', '--remove-zipmap', '--out', 'fixed.onnx'], { engine, cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Wrote fixed\.onnx \(the original is unchanged\)/);
  assert.ok(fs.existsSync(out));
  const validated = await runCaptured(['validate', 'fixed.onnx'], { engine, cwd: work });
  assert.equal(validated.code, 0, validated.stdout);
});
