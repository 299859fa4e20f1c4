import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../../main/inference/image-input';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { readJson, startServer, tempDir } from './serving-support';

/** A camera-size JPEG with some texture, so it takes the decoder real work (a few hundred ms in JavaScript). */
function photo(width: number, height: number): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 4;
    rgba[i] = (128 + 100 * Math.sin(x / 40) * Math.cos(y / 60)) & 255;
    rgba[i + 1] = (x ^ y) & 255;
    rgba[i + 2] = (x * 3 + y * 5) & 255;
    rgba[i + 3] = 255;
  }
  return Buffer.from(jpeg.encode({ data: rgba, width, height }, 85).data);
}

test('large photos decode on the image threads: health checks and metrics answer at once while they decode', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t);
  const config = path.join(dir, 'runtime.json');
  fs.writeFileSync(config, JSON.stringify({
    model: { path: path.join(fixtures, 'cnn.onnx'), name: 'cifar', version: '1' },
    inputs: { image: { type: 'image', layout: 'NCHW', colorOrder: 'RGB', resize: 'center-crop', scale: 1 / 255 } },
  }));
  const server = await startServer(t, { args: ['--config', config] });
  const ready = server.logs.find((l) => l.event === 'ready')!;
  assert.ok((ready.imageThreads as number) >= 1, 'the ready line says how many image threads there are');

  const bytes = photo(2400, 1800);
  // How long one decode takes here, measured in this process: the yardstick for "at once".
  let decodeMs = Infinity;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    decodeImage(bytes, 'photo');
    decodeMs = Math.min(decodeMs, performance.now() - started);
  }

  const uploads = Array.from({ length: 3 }, () => fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: bytes }));
  let settled = 0;
  for (const u of uploads) void u.then(() => { settled++; }, () => { settled++; });
  await new Promise((resolve) => setTimeout(resolve, decodeMs / 4));
  // Three photos are at least three decodes of work; on the server thread each probe would wait for the decode in progress.
  let slowest = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const res = await fetch(`${server.url}/${i % 2 ? 'metrics' : 'healthz'}`);
    await res.arrayBuffer();
    assert.equal(res.status, 200);
    slowest = Math.max(slowest, performance.now() - started);
  }
  assert.ok(settled < 3, 'the probes ran while photos were still being worked on');
  assert.ok(slowest < decodeMs / 3, `probes answered in at most ${slowest.toFixed(1)} ms while a decode takes ${decodeMs.toFixed(0)} ms`);

  const answers = await Promise.all(uploads.map(async (u) => ({ status: (await u).status, body: await readJson(await u) })));
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.deepEqual(a.body.predictions, answers[0].body.predictions, 'the same photo gives the same answer');
  }
});
