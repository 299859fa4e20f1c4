import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { Deadline } from '../../resources/serving/src/deadline';
import { HttpError } from '../../resources/serving/src/http-error';
import { ImageThreads } from '../../resources/serving/src/image-threads';
import { Logger } from '../../resources/serving/src/log';
import { ROOT, ensureBuilt } from '../support/ensure-built';
import { orientationTiff, pngWithExif } from '../support/exif-bytes';

const INPUT = { name: 'image', isTensor: true, elementType: 'float32' as const, dims: [null, 3, 8, 8] };
const SETTINGS = { type: 'image', layout: 'NCHW', colorOrder: 'BGR', resize: 'stretch', orientation: 'as-stored', scale: 1 / 255, mean: [0.1, 0.2, 0.3], std: [0.5, 0.5, 0.5] } as const;

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height * 4; i++) image.data[i] = i % 4 === 3 ? 255 : (i * 37) % 256;
  return PNG.sync.write(image);
}

/** A stand-in image-thread script (the lines after `parentPort` is in scope), in a folder removed after the test. */
function standInThread(t: { after: (fn: () => void) => void }, body: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-thread-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'thread.cjs');
  fs.writeFileSync(script, ["const { parentPort } = require('node:worker_threads');", ...body].join('\n'));
  return script;
}

function logger(lines: string[]): Logger {
  return new Logger('info', (text) => { lines.push(text); });
}

test('an image thread decodes and preprocesses exactly as the server thread would, and leaves the caller its bytes', async (t) => {
  ensureBuilt();
  const lines: string[] = [];
  const threads = new ImageThreads(2, logger(lines), { maxPixels: 1e6, script: path.join(ROOT, 'dist', 'serving', 'image-thread.js') });
  t.after(() => threads.close());
  assert.equal(threads.threadCount, 2);
  const bytes = png(20, 12);
  const settings = { ...SETTINGS, mean: [...SETTINGS.mean], std: [...SETTINGS.std] };
  const expected = imageToTensor(decodeImage(bytes, 'x'), INPUT, settings);
  const [a, b] = await Promise.all([threads.decode(bytes, INPUT, settings, 'a.png'), threads.decode(bytes, INPUT, settings, 'b.png')]);
  for (const got of [a, b]) {
    assert.deepEqual(got.dims, [1, 3, 8, 8]);
    assert.deepEqual([...(got.data as Float32Array)], [...(expected.data as Float32Array)]);
  }
  assert.deepEqual(bytes, png(20, 12), 'the body is copied before it travels, not taken away');

  // A phone photo's EXIF orientation reaches the thread's preprocessing: upright with `orientation: exif`.
  const portrait = pngWithExif(png(12, 20), orientationTiff(6));
  const exif = { ...settings, orientation: 'exif' as const };
  const upright = await threads.decode(portrait, INPUT, exif, 'portrait.png');
  assert.deepEqual([...(upright.data as Float32Array)], [...(imageToTensor(decodeImage(portrait, 'x'), INPUT, exif).data as Float32Array)]);
  const asStored = await threads.decode(portrait, INPUT, settings, 'portrait.png');
  assert.notDeepEqual([...(asStored.data as Float32Array)], [...(upright.data as Float32Array)]);

  const broken = threads.decode(bytes.subarray(0, 60), INPUT, settings, '"broken.png"');
  await assert.rejects(broken, (error: unknown) => error instanceof HttpError && error.status === 400 && /"broken.png" cannot be decoded/.test(error.message));
  assert.deepEqual(lines, []);
});

test('an image thread that dies fails only its own images, is replaced, and the next image decodes', async (t) => {
  // Answers with a one-value tensor, or ends the thread when the first byte is 0.
  const script = standInThread(t, [
    "parentPort.on('message', (job) => {",
    '  if (job.bytes[0] === 0) process.exit(7);',
    "  parentPort.postMessage({ tensor: { name: 'image', elementType: 'float32', dims: [1], data: new Float32Array([job.bytes[0]]) } });",
    '});',
  ]);
  const lines: string[] = [];
  const threads = new ImageThreads(1, logger(lines), { script });
  t.after(() => threads.close());

  const good = await threads.decode(Uint8Array.of(5), INPUT, undefined, 'x');
  assert.deepEqual([...(good.data as Float32Array)], [5]);
  await assert.rejects(threads.decode(Uint8Array.of(0), INPUT, undefined, 'x'), /image decoding thread stopped while decoding this image \(exit code 7\)/);
  assert.equal(threads.threadCount, 1, 'a new thread took its place');
  const again = await threads.decode(Uint8Array.of(9), INPUT, undefined, 'x');
  assert.deepEqual([...(again.data as Float32Array)], [9]);
  assert.match(lines.join(''), /"event":"image-thread-lost".*exit code 7/);

  await threads.close();
  await assert.rejects(threads.decode(Uint8Array.of(1), INPUT, undefined, 'x'), /not running/);
});

test('images wait for a thread in arrival order, and one whose request ends while it waits is never decoded', async (t) => {
  // Takes 150 ms per image and answers [first byte, images it has decoded so far].
  const script = standInThread(t, [
    'let decoded = 0;',
    "parentPort.on('message', (job) => setTimeout(() => {",
    '  decoded++;',
    "  parentPort.postMessage({ tensor: { name: 'image', elementType: 'float32', dims: [2], data: new Float32Array([job.bytes[0], decoded]) } });",
    '}, 150));',
  ]);
  const depths: number[] = [];
  const threads = new ImageThreads(1, logger([]), { script, onQueueDepth: (n) => depths.push(n) });
  t.after(() => threads.close());

  const first = threads.decode(Uint8Array.of(1), INPUT, undefined, 'a');
  const request = new Deadline(60_000, () => new Error('timed out'));
  t.after(() => request.clear());
  // One request with two images (a form), both waiting behind the first.
  const second = threads.decode(Uint8Array.of(2), INPUT, undefined, 'b', request);
  const third = threads.decode(Uint8Array.of(3), INPUT, undefined, 'c', request);
  assert.equal(threads.depth, 2);
  request.cancel(new Error('the client hung up'));
  await assert.rejects(second, /the client hung up/);
  await assert.rejects(third, /the client hung up/, 'every image of the request leaves the queue, not only the last one');
  assert.equal(threads.depth, 0);
  const fourth = threads.decode(Uint8Array.of(4), INPUT, undefined, 'd');
  assert.deepEqual([...((await first).data as Float32Array)], [1, 1]);
  assert.deepEqual([...((await fourth).data as Float32Array)], [4, 2], 'the thread decoded two images, not four');
  assert.deepEqual(depths, [1, 2, 1, 0, 1, 0], 'the queue depth as it changed: two joined, both withdrawn, one joined and was taken');

  const late = new Deadline(60_000, () => new Error('timed out'));
  late.cancel(new Error('gone already'));
  await assert.rejects(threads.decode(Uint8Array.of(5), INPUT, undefined, 'e', late), /gone already/, 'an ended request is refused at once');
});
