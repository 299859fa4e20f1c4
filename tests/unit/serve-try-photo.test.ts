// The Try panel's photo mode against the real serving runtime: an image model is offered a photo, each protocol
// sends it its own way (multipart, {"b64"}, V2 BYTES as base64 and as binary), every answer is the same, and each
// curl command, run in a real shell beside the file, gets that answer too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { createEngine, type Engine } from '../../main/engine/engine';
import { TRY_PROTOCOLS, type TryImage } from '../../shared/schemas/serve';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { ensureBuilt } from '../support/ensure-built';

const haveCurl = fs.existsSync('/usr/bin/curl');

/** A 40 x 30 photo with a gradient, so a wrong resize or channel order would change the scores. */
function photo(): Buffer {
  const png = new PNG({ width: 40, height: 30 });
  for (let i = 0; i < 40 * 30; i++) png.data.set([(i * 7) % 256, (i * 3) % 256, 200 - (i % 200), 255], i * 4);
  return PNG.sync.write(png);
}

/** Scores from any protocol's answer: the first row of predictions or outputs. */
function scoresOf(text: string): number[] {
  const answer = JSON.parse(text) as { predictions?: number[][]; outputs?: Array<{ data: number[] }> | number[][] };
  if (answer.predictions) return answer.predictions[0];
  const outputs = answer.outputs!;
  return Array.isArray(outputs[0]) ? outputs[0] as number[] : (outputs[0] as { data: number[] }).data;
}

function assertSameScores(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${what}: score ${i} is ${v}, expected ${expected[i]}`));
}

describe('trying an image model with a photo', () => {
  let dir = '';
  let cnn = '';
  let iris = '';
  let engine: Engine;
  const bytes = photo();
  let image: TryImage;

  before(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-try-photo-'));
    const fixtures = await ensureFixtures();
    cnn = path.join(dir, 'cnn.onnx');
    iris = path.join(dir, 'iris.onnx');
    fs.copyFileSync(path.join(fixtures, 'cnn.onnx'), cnn);
    fs.copyFileSync(path.join(fixtures, 'iris.onnx'), iris);
    fs.writeFileSync(path.join(dir, 'cat photo.png'), bytes);
    image = { input: 'image', fileName: 'cat photo.png', base64: bytes.toString('base64') };
    engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  });

  after(async () => {
    await engine?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the example names the input a photo can go to, for image models only', async () => {
    assert.equal((await engine.invoke('serve.example', { modelPath: cnn, protocol: 'lesson' })).imageInput, 'image');
    assert.equal((await engine.invoke('serve.example', { modelPath: iris, protocol: 'lesson' })).imageInput, null);
  });

  it('every protocol sends the photo its own way and gets the same scores, and so does each curl command', async () => {
    await engine.invoke('serve.start', { modelPath: cnn });
    let reference: number[] | null = null;
    for (const protocol of TRY_PROTOCOLS) {
      const result = await engine.invoke('serve.try', { modelPath: cnn, protocol, image });
      assert.equal(result.status, 200, `${protocol}: ${result.body}`);
      const scores = scoresOf(result.body);
      assert.equal(scores.length, 10);
      reference ??= scores;
      assertSameScores(scores, reference, protocol);
      assert.ok(result.prediction, `${protocol}: a top class is read from the answer`);

      const example = await engine.invoke('serve.example', { modelPath: cnn, protocol, image });
      assert.equal(example.curl, result.curl);
      assert.ok(!example.curl.includes(image.base64.slice(0, 40)), `${protocol}: the command reads the file instead of holding its bytes`);
      assert.match(example.note ?? '', /folder that holds cat photo\.png/);
      assert.match(example.body, protocol === 'lesson' ? /multipart\/form-data\n {2}image: cat photo\.png/ : /<cat photo\.png: [\d,]+ bytes, base64>|then \d+ bytes/);
      if (haveCurl) {
        const out = execFileSync('/bin/sh', ['-c', example.curl], { cwd: dir, encoding: 'utf8' });
        assertSameScores(scoresOf(out), reference, `${protocol} curl`);
      }
    }
    assert.match(JSON.stringify(await engine.invoke('serve.example', { modelPath: cnn, protocol: 'lesson', image })), /-F 'image=@cat photo\.png'/);
  });

  it('an image model with another input: the photo and a value for it go together, in every protocol and every curl command', async () => {
    const model = path.join(dir, 'cnn-temperature.onnx');
    fs.copyFileSync(path.join(await ensureFixtures(), 'cnn-temperature.onnx'), model);
    const example = await engine.invoke('serve.example', { modelPath: model, protocol: 'lesson' });
    assert.equal(example.imageInput, 'image');
    assert.deepEqual(example.imageOthers.map((o) => [o.name, o.type]), [['temperature', 'float32 [batch, 1]']]);
    assert.match(example.imageOthers[0].sample, /^\[[\d.e-]+\]$/, 'one row of the input, as JSON');
    await engine.invoke('serve.start', { modelPath: model });
    const scores = async (temperature: string) => {
      const sent = { ...image, values: { temperature } };
      let reference: number[] | null = null;
      for (const protocol of TRY_PROTOCOLS) {
        const result = await engine.invoke('serve.try', { modelPath: model, protocol, image: sent });
        assert.equal(result.status, 200, `${protocol}: ${result.body}`);
        reference ??= scoresOf(result.body);
        assertSameScores(scoresOf(result.body), reference, `${protocol}, temperature ${temperature}`);
        const shown = await engine.invoke('serve.example', { modelPath: model, protocol, image: sent });
        assert.match(shown.body, /temperature/, `${protocol}: the request's outline shows the other input`);
        if (haveCurl) assertSameScores(scoresOf(execFileSync('/bin/sh', ['-c', shown.curl], { cwd: dir, encoding: 'utf8' })), reference, `${protocol} curl`);
      }
      return reference!;
    };
    const cool = await scores('[1]');
    const hot = await scores('[50]');
    // The value really reaches the model: a high temperature flattens the scores towards 1/10 each.
    assert.ok(Math.max(...hot) < Math.max(...cool), `temperature 50 flattens the scores (${Math.max(...hot)} vs ${Math.max(...cool)})`);
    assert.ok(Math.abs(Math.max(...hot) - 0.1) < 0.05);

    const bad = { ...image, values: { temperature: '[1,' } };
    await assert.rejects(engine.invoke('serve.try', { modelPath: model, protocol: 'v2', image: bad }), /The value for input "temperature" is not valid JSON/);
    // Without the value the server names what is missing.
    const missing = await engine.invoke('serve.try', { modelPath: model, protocol: 'lesson', image });
    assert.equal(missing.status, 400);
    assert.match(missing.body, /temperature/);
  });

  it('a file that is not an image is the server\'s 415, named', async () => {
    const text = { ...image, fileName: 'notes.png', base64: Buffer.from('hello').toString('base64') };
    for (const protocol of TRY_PROTOCOLS) {
      const result = await engine.invoke('serve.try', { modelPath: cnn, protocol, image: text });
      assert.equal(result.status, 415, `${protocol}: ${result.body}`);
      assert.match(result.body, /not a PNG or JPEG image/);
    }
  });
});
