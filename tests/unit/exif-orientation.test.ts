import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { applyOrientation, exifOrientation } from '../../main/inference/exif-orientation';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { resolveInputs } from '../../main/inference/resolve-inputs';
import type { ImagePreview } from '../../shared/schemas/inference';
import { ImagePreprocessSchema, SpecSchema } from '../../shared/schemas/spec';
import { jpegWithExif, orientationTiff, pngWithExif } from '../support/exif-bytes';

/** A width x height RGBA picture whose every pixel is distinct: red = x * 40, green = y * 80. */
function labelled(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 40, y * 80, 7, 255], (y * width + x) * 4);
  }
  return data;
}

function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  labelled(width, height).copy(png.data);
  return PNG.sync.write(png);
}

/** Pixels as "x,y" of the stored picture they came from (read back from red and green). */
function sources(image: { width: number; height: number; rgba: Uint8Array }): string[][] {
  const rows: string[][] = [];
  for (let y = 0; y < image.height; y++) {
    const row: string[] = [];
    for (let x = 0; x < image.width; x++) row.push(`${image.rgba[(y * image.width + x) * 4] / 40},${image.rgba[(y * image.width + x) * 4 + 1] / 80}`);
    rows.push(row);
  }
  return rows;
}

test('the Orientation tag is read from a JPEG APP1 segment and a PNG eXIf chunk, in either byte order', () => {
  const plainJpeg = jpeg.encode({ width: 4, height: 2, data: labelled(4, 2) }, 90).data;
  const plainPng = pngOf(4, 2);
  assert.equal(exifOrientation(plainJpeg), 1);
  assert.equal(exifOrientation(plainPng), 1);
  for (let o = 1; o <= 8; o++) {
    for (const order of ['II', 'MM'] as const) {
      assert.equal(exifOrientation(jpegWithExif(plainJpeg, orientationTiff(o, order))), o, `JPEG ${order} ${o}`);
      assert.equal(exifOrientation(pngWithExif(plainPng, orientationTiff(o, order))), o, `PNG ${order} ${o}`);
    }
  }
  // The decoders still read both files, and decodeImage reports the tag.
  assert.equal(decodeImage(jpegWithExif(plainJpeg, orientationTiff(6)), 'photo.jpg').orientation, 6);
  assert.equal(decodeImage(pngWithExif(plainPng, orientationTiff(8, 'MM')), 'photo.png').orientation, 8);
});

test('broken or hostile EXIF data reads as "as stored", never as an error', () => {
  const plainJpeg = jpeg.encode({ width: 4, height: 2, data: labelled(4, 2) }, 90).data;
  const good = orientationTiff(6);
  const cases: Array<[string, Buffer]> = [
    ['truncated directory', good.subarray(0, 12)],
    ['directory offset past the end', (() => { const b = Buffer.from(good); b.writeUInt32LE(0xfffffff0, 4); return b; })()],
    ['not TIFF', Buffer.from('XXXXXXXXXXXXXXXXXXXXXXXXXX')],
    ['orientation out of range', orientationTiff(9)],
    ['more entries declared than present', (() => { const b = Buffer.from(good); b.writeUInt16LE(5000, 8); b.writeUInt16LE(0x0100, 10); return b; })()],
  ];
  for (const [what, tiff] of cases) assert.equal(exifOrientation(jpegWithExif(plainJpeg, tiff)), 1, what);
  assert.equal(exifOrientation(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00])), 1, 'cut inside a segment header');
  assert.equal(exifOrientation(Buffer.alloc(0)), 1, 'empty');
});

test('each orientation turns the picture as ImageOps.exif_transpose does', () => {
  // 3 x 2 stored; each expected grid names the stored pixel ("x,y") that lands at each place. Checked against
  // Pillow 9.4 (ImageOps.exif_transpose on PNGs saved with each tag) for a 5 x 3 picture.
  const stored = { width: 3, height: 2, rgba: new Uint8Array(labelled(3, 2)) };
  const expected: Record<number, string[][]> = {
    1: [['0,0', '1,0', '2,0'], ['0,1', '1,1', '2,1']],
    2: [['2,0', '1,0', '0,0'], ['2,1', '1,1', '0,1']],
    3: [['2,1', '1,1', '0,1'], ['2,0', '1,0', '0,0']],
    4: [['0,1', '1,1', '2,1'], ['0,0', '1,0', '2,0']],
    5: [['0,0', '0,1'], ['1,0', '1,1'], ['2,0', '2,1']],
    6: [['0,1', '0,0'], ['1,1', '1,0'], ['2,1', '2,0']],
    7: [['2,1', '2,0'], ['1,1', '1,0'], ['0,1', '0,0']],
    8: [['2,0', '2,1'], ['1,0', '1,1'], ['0,0', '0,1']],
  };
  for (let o = 1; o <= 8; o++) assert.deepEqual(sources(applyOrientation(stored, o)), expected[o], `orientation ${o}`);
  // Bytes at an odd offset (a pooled Buffer) give the same result.
  const shifted = new Uint8Array(stored.rgba.length + 1).subarray(1);
  shifted.set(stored.rgba);
  assert.deepEqual(sources(applyOrientation({ ...stored, rgba: shifted }, 6)), expected[6]);
});

test('orientation: exif feeds the model the upright photo; the default feeds it as stored', () => {
  // Stored 4 wide, 2 high, tagged "turn 90° clockwise": upright it is 2 wide, 4 high, the model input's size.
  const photo = decodeImage(pngWithExif(pngOf(4, 2), orientationTiff(6)), 'portrait.png');
  const input = { name: 'image', isTensor: true, elementType: 'float32' as const, dims: [1, 3, 4, 2] };
  const settings = (orientation: 'exif' | 'as-stored') => ImagePreprocessSchema.parse({ type: 'image', scale: 1, orientation });
  const upright = imageToTensor(photo, input, settings('exif'));
  assert.deepEqual(upright.dims, [1, 3, 4, 2]);
  const red = Array.from(upright.data as Float32Array).slice(0, 8); // the red plane, row by row
  const green = Array.from(upright.data as Float32Array).slice(8, 16);
  const turned = applyOrientation(photo, 6);
  assert.deepEqual(red, Array.from({ length: 8 }, (_, i) => turned.rgba[i * 4]));
  assert.deepEqual(green, Array.from({ length: 8 }, (_, i) => turned.rgba[i * 4 + 1]));
  // Top-left of the upright photo is the stored bottom-left pixel (x 0, y 1).
  assert.deepEqual([red[0], green[0]], [0, 80]);
  const asStored = imageToTensor(photo, input, settings('as-stored'));
  assert.notDeepEqual(Array.from(asStored.data as Float32Array), Array.from(upright.data as Float32Array));
  assert.equal(ImagePreprocessSchema.parse({ type: 'image' }).orientation, 'as-stored');
});

const report = () => ({ notes: [] as string[], previews: [] as ImagePreview[] });

test('the Test step says when a photo it feeds as stored is shown turned, and why that may matter', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-exif-note-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const portrait = path.join(dir, 'portrait.png');
  const plain = path.join(dir, 'plain.png');
  fs.writeFileSync(portrait, pngWithExif(pngOf(4, 2), orientationTiff(6)));
  fs.writeFileSync(plain, pngOf(2, 4));
  const inputs = [{ name: 'image', isTensor: true, elementType: 'float32' as const, dims: ['batch', 3, 4, 2] }];
  const specWith = (orientation?: 'exif') => SpecSchema.parse({ apiVersion: 'modeldock/v1', model: { name: 'cnn', path: 'cnn.onnx' }, inputs: { image: { type: 'image', ...(orientation ? { orientation } : {}) } } });

  const { notes } = report();
  resolveInputs([{ kind: 'file', path: portrait }, { kind: 'file', path: plain }], inputs, null, { notes, previews: [] });
  assert.equal(notes.length, 1, 'only the tagged photo');
  assert.match(notes[0], /^portrait\.png is stored turned 90° anticlockwise \(EXIF orientation 6\); photo viewers show it upright, but the model was given it as stored/);
  assert.match(notes[0], /set orientation: exif under inputs\.image in modeldock\.yaml/);
  const asStored = report();
  resolveInputs([{ kind: 'file', path: portrait }], inputs, specWith(), asStored);
  assert.equal(asStored.notes.length, 1);
  const upright = report();
  resolveInputs([{ kind: 'file', path: portrait }], inputs, specWith('exif'), upright);
  assert.deepEqual(upright.notes, [], 'turned upright as the spec asks: nothing to say');
});
