// The CLI side of building: `modeldock base-image`, `modeldock build` (steps on stderr without a terminal, a
// summary with the cached steps, --dry-run, --json, errors as sentences with exit 1) and `modeldock images`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { runCaptured } from '../unit/cli-support';
import { ensureOfflineBase, ensureServingBuilt, removeImage } from './image-support';

const TAG = `modeldock-test/iris:image-cli-${process.pid}`;

describe('modeldock build / base-image / images', () => {
  let engine: Engine;
  let dataDir = '';
  let modelPath = '';
  let base = '';

  before(async () => {
    ensureServingBuilt();
    base = await ensureOfflineBase();
    modelPath = path.join(await ensureFixtures(), 'iris.onnx');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-cli-'));
    engine = createEngine({ shell: 'cli', dataDir });
  });
  after(async () => {
    await engine.dispose();
    await removeImage(TAG);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('base-image reports the offline base that is already there', async () => {
    const r = await runCaptured(['base-image'], { engine });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Already there: ${base.replace('/', '\\/')}`));
  });

  it('build --dry-run prints the Dockerfile and the context without building', async () => {
    const r = await runCaptured(['build', modelPath, '--base', base, '--tag', TAG, '--dry-run'], { engine });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^FROM modeldock\/node-offline:20$/m);
    assert.match(r.stdout, /model\/iris\.onnx\s+724 B\s+model/);
    assert.equal((await engine.invoke('image.history', {})).builds.length, 0);
  });

  it('build prints each step without a terminal, then the image, its size and the cached steps', async () => {
    const r = await runCaptured(['build', modelPath, '--base', base, '--tag', TAG], { engine });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Step 1\/13: FROM modeldock\/node-offline:20$/m);
    assert.match(r.stderr, /^Step 13\/13: LABEL/m);
    assert.match(r.stdout, new RegExp(`Built ${TAG}`));
    assert.match(r.stdout, /Cached steps\s+\d+ of 13/);
    assert.match(r.stdout, /Size\s+[\d.]+ MB\s+\(base [\d.]+ MB \+ [\d.]+ MB added/);
    const images = await runCaptured(['images', modelPath], { engine });
    assert.equal(images.code, 0, images.stderr);
    assert.match(images.stdout, new RegExp(TAG.replace(/[/.]/g, '\\$&')));
    const json = await runCaptured(['images', '--json'], { engine });
    assert.equal(JSON.parse(json.stdout).builds[0].reference, TAG);
  });

  it('a wrong platform is a usage error; a missing model is a plain sentence with exit 1', async () => {
    const usage = await runCaptured(['build', modelPath, '--platform', 'windows/amd64'], { engine });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--platform must be linux\/amd64 or linux\/arm64/);
    const missing = await runCaptured(['build', path.join(dataDir, 'nope.onnx'), '--base', base], { engine });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error: Model file not found/);
    assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});
