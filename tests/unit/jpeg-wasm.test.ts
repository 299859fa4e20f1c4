import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../../main/inference/image-input';
import { decodeJpegWasm, jpegDecoderMemoryBytes } from '../../main/inference/jpeg-wasm';
import { ModelDockError } from '../../shared/errors';
import { jpegWithExif, orientationTiff } from '../support/exif-bytes';

function pattern(width: number, height: number): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 4;
    rgba[i] = (x * 4) & 255;
    rgba[i + 1] = (y * 5) & 255;
    rgba[i + 2] = (x * y) & 255;
    rgba[i + 3] = 255;
  }
  return rgba;
}

function encoded(width: number, height: number, quality = 90): Buffer {
  return Buffer.from(jpeg.encode({ data: pattern(width, height), width, height }, quality).data);
}

test('libjpeg (WebAssembly) decodes what jpeg-js decodes, to within rounding of the inverse DCT', () => {
  const file = encoded(64, 48);
  const fast = decodeJpegWasm(file);
  assert.ok(fast.image, 'the WebAssembly decoder is available in plain Node');
  const reference = jpeg.decode(file, { useTArray: true, formatAsRGBA: true });
  assert.equal(fast.image.width, 64);
  assert.equal(fast.image.height, 48);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const d = Math.abs(reference.data[i] - fast.image.rgba[i]);
    sum += d;
    max = Math.max(max, d);
  }
  assert.ok(sum / reference.data.length < 1.5 && max <= 8, `mean difference ${(sum / reference.data.length).toFixed(2)}, max ${max}`);
  // decodeImage takes this decoder's pixels as they are.
  assert.deepEqual(decodeImage(file, 'pattern.jpg').rgba, fast.image.rgba);
});

test('EXIF orientation is left to the caller: the pixels come as stored and decodeImage reports the tag', () => {
  const file = jpegWithExif(encoded(8, 4), orientationTiff(6));
  const fast = decodeJpegWasm(file);
  assert.deepEqual([fast.image?.width, fast.image?.height], [8, 4]);
  const decoded = decodeImage(file, 'photo.jpg');
  assert.deepEqual([decoded.width, decoded.height, decoded.orientation], [8, 4, 6]);
});

test('a cut-off JPEG is refused in libjpeg\'s words, never decoded with grey where the rest was', () => {
  const whole = encoded(200, 150);
  const cut = whole.subarray(0, whole.length >> 1);
  assert.deepEqual(decodeJpegWasm(cut), { image: null, problem: 'Premature end of JPEG file' });
  assert.throws(() => decodeImage(cut, 'upload.jpg'), (e: unknown) =>
    e instanceof ModelDockError && e.code === 'image-invalid' && e.message === 'upload.jpg cannot be decoded: Premature end of JPEG file.');
});

test('a broken stream does not break the decoder: the next file decodes', () => {
  const whole = encoded(40, 30);
  const scrambled = Buffer.concat([whole.subarray(0, 200), Buffer.alloc(300, 0x55), whole.subarray(500)]);
  assert.equal(decodeJpegWasm(scrambled).image, null);
  assert.equal(decodeJpegWasm(Buffer.from([0xff, 0xd8, 0xff, 0xd9])).image, null);
  assert.equal(decodeJpegWasm(whole).image?.width, 40);
});

test('after a large photo the decoder gives its memory back (WebAssembly memory only grows)', () => {
  const small = encoded(16, 8);
  assert.ok(decodeJpegWasm(small).image);
  const idle = jpegDecoderMemoryBytes();
  assert.ok(idle > 0 && idle <= 32 * 1024 * 1024, `an instance for small files holds ${idle} bytes`);
  const width = 4400;
  const height = 4000;
  const big = Buffer.from(jpeg.encode({ data: Buffer.alloc(width * height * 4, 128), width, height }, 50).data);
  assert.equal(decodeJpegWasm(big).image?.height, height);
  assert.equal(jpegDecoderMemoryBytes(), 0, 'the grown instance was dropped');
  assert.ok(decodeJpegWasm(small).image);
  assert.equal(jpegDecoderMemoryBytes(), idle, 'a fresh instance starts small again');
});
