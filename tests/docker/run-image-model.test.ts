// An image model in its container: the image threads ship in the image and decode there. A JPEG sent to the
// container gets the same answer as decoding it here and running ONNX Runtime in this process; with 256 MB the server
// lowers its image limit to what fits, and refuses a decompression bomb and a large photo from their headers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import Docker from 'dockerode';
import * as jpeg from 'jpeg-js';
import * as ort from 'onnxruntime-node';
import { createEngine, type Engine } from '../../main/engine/engine';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { ensureBuilt } from '../support/ensure-built';
import { grayPng } from '../support/png-bytes';

const TAG = `modeldock-test/cnn-run:${process.pid}`;

function photo(width: number, height: number): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = (i * 7) & 255;
    rgba[i * 4 + 1] = (i >> 3) & 255;
    rgba[i * 4 + 2] = 200;
    rgba[i * 4 + 3] = 255;
  }
  return Buffer.from(jpeg.encode({ data: rgba, width, height }, 90).data);
}

describe('an image model in its container', () => {
  let engine: Engine;
  let dataDir: string;
  let modelPath: string;
  let reference = '';

  before(async () => {
    ensureBuilt();
    modelPath = path.join(await ensureFixtures(), 'cnn.onnx');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-run-image-'));
    engine = createEngine({ shell: 'cli', dataDir });
    await engine.invoke('docker.makeBase', {});
    reference = (await engine.invoke('image.build', { modelPath, base: OFFLINE_BASE_IMAGE, tag: TAG })).reference;
  });
  after(async () => {
    await engine?.dispose();
    if (reference) await new Docker().getImage(reference).remove({ force: true, noprune: true }).catch(() => {});
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('decodes a JPEG on its image thread to the same answer as here, and refuses a decompression bomb', async () => {
    const status = await engine.invoke('container.run', { image: reference, cpus: 1, memoryMB: 256 });
    try {
      assert.equal(status.state, 'ready');
      const bytes = photo(120, 80);
      const res = await fetch(`${status.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: bytes });
      assert.equal(res.status, 200);
      const served = ((await res.json()) as { predictions: number[][] }).predictions[0];

      const session = await ort.InferenceSession.create(modelPath);
      const io = { name: session.inputNames[0], isTensor: true, elementType: 'float32' as const, dims: ['batch', 3, 32, 32] };
      const tensor = imageToTensor(decodeImage(bytes, 'x'), io);
      const out = await session.run({ [io.name]: new ort.Tensor('float32', tensor.data as Float32Array, tensor.dims) });
      const expected = Array.from(out[session.outputNames[0]].data as Float32Array);
      await session.release();
      assert.equal(served.length, expected.length);
      served.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `output ${i}: ${v} vs ${expected[i]}`));
      // The licences of what the runtime contains travel with it (the bundles carry no legal comments).
      const archive = await new Docker().getContainer(status.id).getArchive({ path: '/app/serving/THIRD_PARTY_NOTICES.txt' });
      const chunks: Buffer[] = [];
      for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
      const notices = Buffer.concat(chunks).toString('latin1');
      assert.match(notices, /^onnxruntime-node \d/m);
      assert.match(notices, /libjpeg-turbo Licenses/);
      // The JPEG decoder's WebAssembly ships in the image: a cut-off upload gets libjpeg's words, not jpeg-js's.
      const cut = await fetch(`${status.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: bytes.subarray(0, bytes.length >> 1) });
      assert.equal(cut.status, 400);
      assert.match(((await cut.json()) as { error: string }).error, /Premature end of JPEG file/);

      // 256 MB leaves room for decoding only a couple of megapixels: the server lowered its limit from 50 and said so.
      const logs = await engine.invoke('container.logs', { id: status.id });
      const ready = JSON.parse(logs.lines.find((l) => l.event === 'ready')?.raw ?? '{}') as { imageThreads?: number; maxImageMegapixels?: number };
      assert.equal(ready.imageThreads, 1, 'one image thread for one CPU');
      const limit = ready.maxImageMegapixels ?? 0;
      assert.ok(limit > 0.1 && limit < 5, `the image limit in force is ${limit} MP`);
      const lowered = logs.lines.find((l) => l.event === 'image-limit-lowered');
      assert.match(lowered?.raw ?? '', /Images are limited to [\d.]+ megapixels, not 50: the container may use 256 MB/);

      const bomb = await fetch(`${status.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: grayPng(40000, 40000, zlib.deflateSync(Buffer.alloc(16))) });
      assert.equal(bomb.status, 413);
      assert.match(((await bomb.json()) as { error: string }).error, /40000x40000 is 1600 megapixels, beyond the [\d.]+ allowed here/);
      // A phone-size photo is refused with a sentence, not answered by the kernel's OOM killer.
      const big = await fetch(`${status.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: photo(2400, 1600) });
      assert.equal(big.status, 413);
      assert.equal((await fetch(`${status.url}/healthz`)).status, 200);

      // The Run step's Try panel sends the container a photo in each protocol's own way: the same scores each time.
      const image = { input: io.name, fileName: 'photo.jpg', base64: bytes.toString('base64') };
      for (const protocol of ['lesson', 'v1', 'v2', 'v2-binary'] as const) {
        const tried = await engine.invoke('container.try', { id: status.id, protocol, image });
        assert.equal(tried.status, 200, `${protocol}: ${tried.body}`);
        const answer = JSON.parse(tried.body) as { predictions?: number[][]; outputs?: Array<{ data: number[] }> | number[][] };
        const scores = answer.predictions?.[0] ?? (Array.isArray(answer.outputs?.[0]) ? answer.outputs[0] as number[] : (answer.outputs?.[0] as { data: number[] }).data);
        scores.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `${protocol} output ${i}: ${v} vs ${expected[i]}`));
      }
    } finally {
      await engine.invoke('container.stop', { id: status.id });
    }
  });
});
