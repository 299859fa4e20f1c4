import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { after, describe, test } from 'node:test';
import { isModelDockError } from '../../shared/errors';
import { ImagePreprocessSchema, type Spec } from '../../shared/schemas/spec';
import { parseCsvInputs } from '../../main/inference/csv-input';
import { decodeImage, imageToTensor, resizeBilinear } from '../../main/inference/image-input';
import { checkFeeds } from '../../main/inference/input-check';
import { parseJsonInputs } from '../../main/inference/json-input';
import { resolveInputs } from '../../main/inference/resolve-inputs';
import type { IoMeta } from '../../main/inference/worker-protocol';

const iris: IoMeta[] = [{ name: 'input', isTensor: true, elementType: 'float32', dims: ['batch', 4] }];
const multi: IoMeta[] = [
  { name: 'features', isTensor: true, elementType: 'float32', dims: ['batch', 3] },
  { name: 'category', isTensor: true, elementType: 'int64', dims: ['batch', 1] },
];
const image: IoMeta[] = [{ name: 'image', isTensor: true, elementType: 'float32', dims: ['batch', 3, 2, 2] }];
const values = (t: { data: ArrayLike<unknown> }) => Array.from(t.data as ArrayLike<unknown>);
const near = (a: number[], b: number[], eps = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= eps);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-inputs-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('JSON inputs', () => {
  test('nested arrays, and a single row gains the batch axis', () => {
    const [t] = parseJsonInputs('[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]', iris);
    assert.deepEqual(t.dims, [2, 4]);
    assert.ok(near(values(t) as number[], [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]));
    assert.deepEqual(parseJsonInputs('[5.1, 3.5, 1.4, 0.2]', iris)[0].dims, [1, 4]);
  });

  test('{"instances": [...]} of rows and of per-input objects', () => {
    const [t] = parseJsonInputs('{"instances": [[1,2,3,4],[5,6,7,8],[9,10,11,12]]}', iris);
    assert.deepEqual(t.dims, [3, 4]);
    const tensors = parseJsonInputs('{"instances": [{"features": [1,2,3], "category": [2]}, {"features": [4,5,6], "category": [0]}]}', multi);
    const cat = tensors.find((x) => x.name === 'category')!;
    assert.equal(cat.elementType, 'int64');
    assert.deepEqual(cat.dims, [2, 1]);
    assert.deepEqual(values(cat), [2n, 0n]);
    assert.deepEqual(tensors.find((x) => x.name === 'features')!.dims, [2, 3]);
  });

  test('one object per input for multi-input models; ModelDock tensor objects', () => {
    const tensors = parseJsonInputs('{"features": [[0.5, 1, 2]], "category": [[3]]}', multi);
    assert.deepEqual(tensors.map((t) => [t.name, t.dims]), [['features', [1, 3]], ['category', [1, 1]]]);
    const [w] = parseJsonInputs('{"name": "input", "elementType": "float32", "dims": [1, 4], "data": [1, 2, 3, 4]}', iris);
    assert.deepEqual(w.dims, [1, 4]);
  });

  test('mistakes are explained', () => {
    assert.throws(() => parseJsonInputs('[[1,2,3,4],[1,2,3]]', iris), /Input "input": the value at \[1\] has 3 items where the first has 4/);
    assert.throws(() => parseJsonInputs('{"featurez": [[1,2,3]]}', multi), /"featurez" is not an input of this model; its inputs are "features", "category"/);
    assert.throws(() => parseJsonInputs('[[1,2,3]]', multi), /This model has 2 inputs/);
    assert.throws(() => parseJsonInputs('{"features": [[1,2,3]], "category": [[1.5]]}', multi), /Input "category" expects int64.*1\.5 is not a whole number/);
    assert.throws(() => parseJsonInputs('{"instances": [{"features": [1,2,3]}, {"features": [1,2,3], "category": [1]}]}', multi), /Instance 0 has no "category"/);
    assert.throws(() => parseJsonInputs('[1, 2,', iris), (e: unknown) => isModelDockError(e) && e.code === 'json-invalid');
  });
});

describe('CSV inputs', () => {
  test('header maps columns; the spec\'s features pick and order them', () => {
    const csv = 'petal_width,sepal_length,sepal_width,petal_length,species\n0.2,5.1,3.5,1.4,setosa\n2.3,6.7,3.0,5.2,virginica\n';
    const settings: Spec['inputs'] = { input: { type: 'tabular', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] } };
    const [t] = parseCsvInputs(csv, iris, settings);
    assert.deepEqual(t.dims, [2, 4]);
    assert.ok(near(values(t) as number[], [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]));
  });

  test('without a spec every column is a feature; quoted cells, CRLF, no header', () => {
    const [t] = parseCsvInputs('"a",b,c,d\r\n1,"2",3,4\r\n', iris, undefined);
    assert.deepEqual(values(t), [1, 2, 3, 4]);
    assert.deepEqual(parseCsvInputs('1,2,3,4\n5,6,7,8\n', iris, undefined)[0].dims, [2, 4]);
  });

  test('multi-input from one CSV through per-input features', () => {
    const settings: Spec['inputs'] = {
      features: { type: 'tabular', features: ['x', 'y', 'z'] },
      category: { type: 'tabular', features: ['cat'] },
    };
    const tensors = parseCsvInputs('x,y,z,cat\n1,2,3,7\n', multi, settings);
    assert.deepEqual(values(tensors.find((t) => t.name === 'category')!), [7n]);
  });

  test('errors name the line and column', () => {
    assert.throws(() => parseCsvInputs('a,b,c,d\n1,2,3,4\n1,2,x,4\n', iris, undefined), /Line 3, column "c": "x" is not a number \(input "input" takes float32\)/);
    assert.throws(() => parseCsvInputs('a,b,c,d\n1,2,,4\n', iris, undefined), /Line 2, column "c": the cell is empty/);
    assert.throws(() => parseCsvInputs('a,b,c,d,e\n1,2,3,4,5\n', iris, undefined), /expects 4 features per row, but the CSV has 5 columns \(a, b, c, d, e\)/);
    assert.throws(() => parseCsvInputs('a,b\n1,2\n', iris, { input: { type: 'tabular', features: ['a', 'b', 'q'] } }), /needs the column "q"/);
    assert.throws(() => parseCsvInputs('a,b,c,d\n1,2,3\n', iris, undefined), /Line 2 has 3 cells but the header has 4 columns/);
  });
});

describe('images', () => {
  function png(width: number, height: number, rgba: number[]): Buffer {
    const img = new PNG({ width, height });
    img.data.set(rgba);
    return PNG.sync.write(img);
  }

  test('PNG decode, NCHW, scale/mean/std by hand', () => {
    // 2x2: red, green / blue, white.
    const bytes = png(2, 2, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    const settings = ImagePreprocessSchema.parse({ type: 'image', mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] });
    const t = imageToTensor(decodeImage(bytes, 'a.png'), image[0], settings);
    assert.deepEqual(t.dims, [1, 3, 2, 2]);
    // R plane: (v/255 - 0.5) / 0.5 -> 1, -1, -1, 1; G plane std 0.25: -2, 2, -2, 2; B plane: -1, -1, 1, 1.
    assert.ok(near(values(t) as number[], [1, -1, -1, 1, -2, 2, -2, 2, -1, -1, 1, 1]));
  });

  test('NHWC, BGR and GRAY layouts', () => {
    const bytes = png(1, 1, [255, 128, 0, 255]);
    const nhwc: IoMeta = { name: 'img', isTensor: true, elementType: 'float32', dims: [1, 1, 1, 3] };
    const bgr = imageToTensor(decodeImage(bytes, 'p.png'), nhwc, ImagePreprocessSchema.parse({ type: 'image', layout: 'NHWC', colorOrder: 'BGR', scale: 1 }));
    assert.deepEqual(values(bgr), [0, 128, 255]);
    const gray: IoMeta = { name: 'g', isTensor: true, elementType: 'float32', dims: [1, 1, 1, 1] };
    const g = imageToTensor(decodeImage(bytes, 'p.png'), gray, ImagePreprocessSchema.parse({ type: 'image', scale: 1 }));
    assert.ok(near(values(g) as number[], [0.299 * 255 + 0.587 * 128], 1e-3));
    const u8: IoMeta = { name: 'u', isTensor: true, elementType: 'uint8', dims: [1, 1, 1, 3] };
    assert.deepEqual(values(imageToTensor(decodeImage(bytes, 'p.png'), u8)), [255, 128, 0], 'uint8 inputs get raw pixels, layout inferred as NHWC');
  });

  test('bilinear stretch and centre crop match hand computation', () => {
    const strip = { width: 2, height: 1, rgba: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255]) };
    const stretched = resizeBilinear(strip, 4, 1, 'stretch');
    // Pixel centres map to source x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
    assert.ok(near([0, 1, 2, 3].map((x) => stretched[x * 4]), [0, 63.75, 191.25, 255]));
    const wide = { width: 4, height: 2, rgba: Uint8Array.from(Array.from({ length: 8 }, (_, i) => [i % 4 * 10, 0, 0, 255]).flat()) };
    const cropped = resizeBilinear(wide, 2, 2, 'center-crop');
    assert.deepEqual([0, 1].map((x) => cropped[x * 4]), [10, 20], 'keeps the middle two columns');
  });

  test('JPEG decode and resize to the model\'s fixed size', () => {
    const w = 16;
    const rgba = Buffer.alloc(w * w * 4);
    for (let i = 0; i < w * w; i++) rgba.set([200, 100, 50, 255], i * 4);
    const file = path.join(dir, 'flat.jpg');
    fs.writeFileSync(file, jpeg.encode({ data: rgba, width: w, height: w }, 100).data);
    const t = resolveInputs([{ kind: 'file', path: file }], image, null)[0];
    assert.deepEqual(t.dims, [1, 3, 2, 2]);
    const v = values(t) as number[];
    assert.ok(near(v.slice(0, 4), [200 / 255, 200 / 255, 200 / 255, 200 / 255], 4 / 255), `R ${v.slice(0, 4)}`);
    assert.ok(near(v.slice(8), [50 / 255, 50 / 255, 50 / 255, 50 / 255], 4 / 255), `B ${v.slice(8)}`);
  });

  test('several images for one input stack into a batch', () => {
    const a = path.join(dir, 'a.png');
    const b = path.join(dir, 'b.png');
    fs.writeFileSync(a, png(1, 1, [255, 0, 0, 255]));
    fs.writeFileSync(b, png(3, 3, Array.from({ length: 9 }, () => [0, 0, 255, 255]).flat()));
    const [t] = resolveInputs([{ kind: 'file', path: a, name: 'image' }, { kind: 'file', path: b, name: 'image' }], image, null);
    assert.deepEqual(t.dims, [2, 3, 2, 2]);
  });
});

describe('checking feeds against the model', () => {
  test('shape and dtype mismatches name the input, the expected and the given', () => {
    const feed = { name: 'input', elementType: 'float32' as const, dims: [2, 5], data: new Float32Array(10) };
    assert.throws(() => checkFeeds([feed], iris), (e: unknown) => isModelDockError(e) && e.message.startsWith('Input "input" expects float32 [batch, 4]; got float32 [2, 5]'));
    const strings = { name: 'input', elementType: 'string' as const, dims: [1, 4], data: ['a', 'b', 'c', 'd'] };
    assert.throws(() => checkFeeds([strings], iris), /Input "input" expects float32 \[batch, 4\]; got string \[1, 4\]/);
    assert.throws(() => checkFeeds([{ ...feed, dims: [2, 2, 2, 1] }], iris), /it has 4 dimensions, the model takes 2/);
  });

  test('unknown, missing and inconsistent inputs', () => {
    const f = { name: 'features', elementType: 'float32' as const, dims: [2, 3], data: new Float32Array(6) };
    const c = { name: 'category', elementType: 'int64' as const, dims: [3, 1], data: new BigInt64Array(3) };
    assert.throws(() => checkFeeds([f], multi), /The model needs "category" \(int64 \[batch, 1\]\)/);
    assert.throws(() => checkFeeds([f, c, { ...f, name: 'extra' }], multi), /"extra" is not an input of this model/);
    assert.throws(() => checkFeeds([f, c], multi), /"batch" is 2 in input "features" but 3 here/);
  });

  test('safe coercion: float64 to float32, whole numbers to int64, a missing batch axis', () => {
    const [t] = checkFeeds([{ name: 'input', elementType: 'float64', dims: [4], data: new Float64Array([1, 2, 3, 4]) }], iris);
    assert.equal(t.elementType, 'float32');
    assert.deepEqual(t.dims, [1, 4]);
    const fed = checkFeeds([
      { name: 'features', elementType: 'float32', dims: [1, 3], data: new Float32Array(3) },
      { name: 'category', elementType: 'float64', dims: [1, 1], data: new Float64Array([2]) },
    ], multi);
    assert.deepEqual(values(fed[1]), [2n]);
  });

  test('.npy and .pb files bind by name or by position', () => {
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, 'a,b,c,d\n1,2,3,4\n');
    assert.deepEqual(resolveInputs([{ kind: 'file', path: file }], iris, null)[0].dims, [1, 4]);
    assert.throws(() => resolveInputs([{ kind: 'file', path: path.join(dir, 'nope.csv') }], iris, null), /does not exist/);
  });
});
