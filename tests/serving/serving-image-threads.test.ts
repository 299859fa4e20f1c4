import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../../main/inference/image-input';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { blackPng } from '../support/png-bytes';
import { readJson, runToExit, startServer, tempDir } from './serving-support';

/** A camera-size JPEG with some texture, so it takes the decoder real work (a 15 MP one: about 170 ms here). */
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

function imageModelConfig(t: { after: (fn: () => void) => void }, fixtures: string): string {
  const config = path.join(tempDir(t), 'runtime.json');
  fs.writeFileSync(config, JSON.stringify({
    model: { path: path.join(fixtures, 'cnn.onnx'), name: 'cifar', version: '1' },
    inputs: { image: { type: 'image', layout: 'NCHW', colorOrder: 'RGB', resize: 'center-crop', scale: 1 / 255 } },
  }));
  return config;
}

function peakRssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

test('an image declaring more pixels than serving.maxImageMegapixels is refused from its header (413), with no memory spike', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--config', imageModelConfig(t, fixtures)] });
  const bomb = await blackPng(12000); // 144 MP declared; decoding it took the server past 1 GB before this check
  assert.ok(bomb.length < 1024 * 1024, `the bomb is small on the wire (${bomb.length} bytes)`);
  const before = peakRssMb(server.child.pid!);
  const refused = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bomb });
  assert.equal(refused.status, 413);
  assert.match((await readJson(refused)).error, /12000x12000 is 144 megapixels, beyond the 50 allowed here/);
  const grew = peakRssMb(server.child.pid!) - before;
  assert.ok(grew < 100, `the server's peak memory grew by ${grew.toFixed(0)} MB`);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

  const strict = await startServer(t, { args: ['--config', imageModelConfig(t, fixtures)], env: { MODELDOCK_MAX_IMAGE_MP: '0.5' } });
  const big = await fetch(`${strict.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: photo(1000, 600) });
  assert.equal(big.status, 413);
  assert.match((await readJson(big)).error, /1000x600 is 0\.6 megapixels, beyond the 0\.5 allowed here/);
  const small = await fetch(`${strict.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: photo(600, 600) });
  assert.equal(small.status, 200);

  const bad = runToExit(['--config', imageModelConfig(t, fixtures)], { MODELDOCK_MAX_IMAGE_MP: '0' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /MODELDOCK_MAX_IMAGE_MP="0" is not valid/);
});

test('large photos decode on the image threads: health checks and metrics answer at once while they decode', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--config', imageModelConfig(t, fixtures)] });
  const ready = server.logs.find((l) => l.event === 'ready')!;
  assert.ok((ready.imageThreads as number) >= 1, 'the ready line says how many image threads there are');

  const bytes = photo(4800, 3200);
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

test('a form whose files are not all images is refused (415) naming the first such file, before any image is decoded', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--config', imageModelConfig(t, fixtures)] });
  const form = new FormData();
  form.append('image', new Blob([photo(64, 64)], { type: 'image/jpeg' }), 'good.jpg');
  form.append('image', new Blob(['name,age\nada,36\n'], { type: 'text/csv' }), 'people.csv');
  form.append('image', new Blob(['%PDF-1.7'], { type: 'application/pdf' }), 'scan.pdf');
  const res = await fetch(`${server.url}/predict`, { method: 'POST', body: form });
  assert.equal(res.status, 415);
  assert.match((await readJson(res)).error, /^"people\.csv" is not a PNG or JPEG image\.$/);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^modeldock_image_queue_depth 0$/m);
});

test('the bundled runtime decodes JPEGs with libjpeg (WebAssembly): a cut-off upload is refused in its words, and the next photo is answered', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--config', imageModelConfig(t, fixtures)] });
  const whole = photo(320, 240);
  const cut = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: whole.subarray(0, whole.length >> 1) });
  assert.equal(cut.status, 400);
  // jpeg-js, the fallback, would say "marker was not found": this message proves the image thread found its .wasm.
  assert.match((await readJson(cut)).error, /cannot be decoded: Premature end of JPEG file\./);
  const good = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: whole });
  assert.equal(good.status, 200);
  const inProcess = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: whole });
  assert.deepEqual((await readJson(inProcess)).predictions, (await readJson(good)).predictions);
});
