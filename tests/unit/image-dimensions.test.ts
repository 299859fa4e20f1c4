import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, imageDimensions } from '../../main/inference/image-input';
import { isModelDockError } from '../../shared/errors';
import { grayPng } from '../support/png-bytes';

function pngBytes(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

function jpegBytes(width: number, height: number): Buffer {
  return Buffer.from(jpeg.encode({ data: Buffer.alloc(width * height * 4, 90), width, height }, 80).data);
}

test('image dimensions come from the header alone: PNG, baseline JPEG, and a progressive frame after other segments', () => {
  assert.deepEqual(imageDimensions(pngBytes(37, 21)), { width: 37, height: 21 });
  assert.deepEqual(imageDimensions(jpegBytes(45, 17)), { width: 45, height: 17 });
  // SOI, an APP1 segment, a DHT (C4: not a frame header although in the C0..CF range), then SOF2 (progressive).
  const progressive = Buffer.from([
    0xff, 0xd8,
    0xff, 0xe1, 0x00, 0x06, 0x45, 0x78, 0x69, 0x66,
    0xff, 0xc4, 0x00, 0x04, 0x00, 0x00,
    0xff, 0xff, // a fill byte before the next marker
    0xc2, 0x00, 0x11, 0x08, 0x0b, 0xb8, 0x0f, 0xa0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  ]);
  assert.deepEqual(imageDimensions(progressive), { width: 4000, height: 3000 });
  assert.equal(imageDimensions(jpegBytes(8, 8).subarray(0, 12)), null, 'cut before the frame header');
  assert.equal(imageDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02])), null, 'scan data before any frame header');
  assert.equal(imageDimensions(pngBytes(4, 4).subarray(0, 20)), null, 'cut inside IHDR');
  assert.equal(imageDimensions(Buffer.from('GIF89a not supported')), null);
});

test('a decompression bomb is refused from its header, before a pixel is allocated', () => {
  // 30000 x 30000 declared, a few bytes of data: decoding would allocate 3.6 GB before finding out.
  const bomb = grayPng(30000, 30000, zlib.deflateSync(Buffer.alloc(64)));
  assert.throws(() => decodeImage(bomb, 'bomb.png'), (error: unknown) => isModelDockError(error) && error.code === 'image-too-large'
    && /30000x30000 is 900 megapixels, beyond the 100 allowed here/.test(error.message));
  // The caller's budget applies the same way; an image within it decodes as usual.
  assert.throws(() => decodeImage(jpegBytes(200, 100), 'photo.jpg', 10_000), /200x100 is 0\.02 megapixels, beyond the 0\.01 allowed here/);
  const fits = decodeImage(jpegBytes(200, 100), 'photo.jpg', 20_000);
  assert.deepEqual([fits.width, fits.height], [200, 100]);
});
