import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { imageTensorPreview } from '../../main/inference/image-preview';
import { ImagePreprocessSchema } from '../../shared/schemas/spec';

function photo(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([(i * 37) % 256, (i * 11) % 256, 255 - ((i * 5) % 256), 255], i * 4);
  return PNG.sync.write(png);
}

function pixels(base64: string): number[] {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  return Array.from(png.data).filter((_, i) => i % 4 !== 3);
}

test('the preview undoes normalisation and channel order: at the input\'s own size it is the photo again', () => {
  const bytes = photo(8, 6);
  const original = pixels(bytes.toString('base64'));
  const cases = [
    { dims: [1, 3, 6, 8], settings: ImagePreprocessSchema.parse({ type: 'image', colorOrder: 'BGR', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }), type: 'float32' as const },
    { dims: [1, 6, 8, 3], settings: ImagePreprocessSchema.parse({ type: 'image', layout: 'NHWC', scale: 1 }), type: 'float32' as const },
    { dims: ['batch', 6, 8, 3], settings: undefined, type: 'uint8' as const },
    { dims: [1, 3, 6, 8], settings: undefined, type: 'float16' as const },
  ];
  for (const { dims, settings, type } of cases) {
    const input = { name: 'image', isTensor: true, elementType: type, dims };
    const tensor = imageToTensor(decodeImage(bytes, 'p.png'), input, settings);
    const preview = imageTensorPreview(tensor, input, settings, 'p.png');
    assert.equal(preview.width, 8);
    assert.equal(preview.height, 6);
    const back = pixels(preview.png);
    const worst = Math.max(...back.map((v, i) => Math.abs(v - original[i])));
    assert.ok(worst <= 1, `${type} ${JSON.stringify(dims)}: off by up to ${worst}`);
  }
});

test('the preview reports each channel\'s values as the model got them, and shows a resize as the model sees it', () => {
  const bytes = photo(40, 20);
  const input = { name: 'image', isTensor: true, elementType: 'float32' as const, dims: [1, 3, 10, 10] };
  const settings = ImagePreprocessSchema.parse({ type: 'image', colorOrder: 'BGR', mean: [0.5], std: [0.25] });
  const tensor = imageToTensor(decodeImage(bytes, 'wide.png'), input, settings);
  const preview = imageTensorPreview(tensor, input, settings, 'wide.png');
  assert.deepEqual([preview.width, preview.height, preview.layout, preview.source], [10, 10, 'NCHW', 'wide.png']);
  assert.deepEqual(preview.channelNames, ['B', 'G', 'R']);
  const values = tensor.data as Float32Array;
  preview.channels.forEach((c, ch) => {
    const plane = Array.from(values.subarray(ch * 100, ch * 100 + 100));
    assert.ok(Math.abs(c.min - Math.min(...plane)) < 1e-6 && Math.abs(c.max - Math.max(...plane)) < 1e-6);
    assert.ok(Math.abs(c.mean - plane.reduce((a, b) => a + b, 0) / 100) < 1e-4);
    assert.ok(c.min >= -2 && c.max <= 2, 'normalised to (x - 0.5) / 0.25');
  });
  const gray = imageTensorPreview(imageToTensor(decodeImage(bytes, 'g.png'), { ...input, dims: [1, 1, 10, 10] }), { ...input, dims: [1, 1, 10, 10] }, undefined, 'g.png');
  assert.deepEqual(gray.channelNames, ['gray']);
  const g = pixels(gray.png);
  assert.ok(g.every((v, i) => v === g[i - (i % 3)]), 'gray shows as equal R, G and B');
});
