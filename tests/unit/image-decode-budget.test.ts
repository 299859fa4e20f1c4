import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DECODE_BYTES_PER_PIXEL, imagePixelBudget, imageThreadCount } from '../../main/serving/image-decode-budget';
import { memoryLimitBytes } from '../../resources/serving/src/memory-limit';

const MB = 1024 * 1024;

test('the memory limit comes from cgroup v2 memory.max, else v1 memory.limit_in_bytes; "max", huge or missing mean none', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cgroup-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p; };
  const none = path.join(dir, 'absent');
  assert.equal(memoryLimitBytes(file('v2', '268435456\n'), none), 256 * MB);
  assert.equal(memoryLimitBytes(file('v2max', 'max\n'), file('v1', '536870912\n')), null, 'v2 says unlimited: v1 is not consulted');
  assert.equal(memoryLimitBytes(none, file('v1b', '536870912\n')), 512 * MB);
  assert.equal(memoryLimitBytes(none, file('v1huge', '9223372036854771712\n')), null, 'cgroup v1 spells "unlimited" as a number near 2^63');
  assert.equal(memoryLimitBytes(none, none), null);
});

test('the image limit is lowered to what the memory limit leaves room for, and says why with the figures', () => {
  const base = { configuredPixels: 50e6, rssBytes: 100 * MB, bufferedBytes: 64 * MB, imageThreads: 1 };
  assert.deepEqual(imagePixelBudget({ ...base, limitBytes: null }), { maxPixels: 50e6, lowered: null }, 'no limit, nothing to fit');
  assert.deepEqual(imagePixelBudget({ ...base, limitBytes: 4096 * MB }), { maxPixels: 50e6, lowered: null }, 'room for 50 MP at 36 B/px');

  const tight = imagePixelBudget({ ...base, limitBytes: 512 * MB });
  const expected = Math.floor((512 * MB * 0.9 - 164 * MB) / DECODE_BYTES_PER_PIXEL);
  assert.equal(tight.maxPixels, expected);
  assert.ok(tight.maxPixels > 8e6 && tight.maxPixels < 9e6, `${tight.maxPixels} pixels`);
  assert.match(tight.lowered ?? '', /^Images are limited to 8\.\d megapixels, not 50: the container may use 512 MB, 100 MB are in use with the model loaded, 64 MB are kept for request bodies/);
  assert.match(tight.lowered ?? '', /raise the memory limit/);

  const twoThreads = imagePixelBudget({ ...base, limitBytes: 512 * MB, imageThreads: 2 });
  assert.equal(twoThreads.maxPixels, Math.floor(expected / 2), 'each image thread may be decoding at once');
  assert.equal(imagePixelBudget({ ...base, limitBytes: 128 * MB }).maxPixels, 0, 'nothing fits: every image is refused rather than the container killed');
});

test('image threads: half the CPUs, at least one, at most four', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 16, 64].map(imageThreadCount), [1, 1, 1, 2, 4, 4, 4]);
});
