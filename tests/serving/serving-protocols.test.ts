import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { IRIS_LABELS, ensureFixtures } from '../fixtures/make-fixtures';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { bytesElements } from '../../main/serving/v2-binary';
import { IDENTITY_TYPES, postJson, readJson, waitFor, startServer, tempDir, writeAllTypesModel } from './serving-support';

const IRIS_ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]];

async function irisReference(fixtures: string, rows: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(path.join(fixtures, 'iris.onnx'));
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) });
  const data = Array.from(out.probabilities.data as Float32Array);
  await session.release();
  return rows.map((_, r) => data.slice(r * 3, r * 3 + 3));
}

function assertClose(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - expected[r][c]) < 1e-6, `row ${r} col ${c}: ${v} vs ${expected[r][c]}`)));
}

test('the lesson golden: {"instances": [...]} -> {"predictions": [...], "labels": [...]} exactly as the Flask client reads it', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')] });
  // requests.post(url, json={"instances": ...}) sends application/json; curl -d sends x-www-form-urlencoded, which
  // the lesson's get_json(force=True) accepted too.
  for (const contentType of ['application/json', 'application/x-www-form-urlencoded']) {
    const res = await postJson(`${server.url}/predict`, { instances: IRIS_ROWS }, { 'Content-Type': contentType });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.body).sort(), ['labels', 'predictions']);
    assert.deepEqual(res.body.labels, ['setosa', 'virginica', 'versicolor']);
    assertClose(res.body.predictions, await irisReference(fixtures, IRIS_ROWS));
    // What a lesson client does with the answer: one label per instance, from the class list.
    res.body.labels.forEach((label: string, i: number) => {
      const row = res.body.predictions[i] as number[];
      assert.equal(label, IRIS_LABELS[row.indexOf(Math.max(...row))]);
    });
  }
  const missing = await postJson(`${server.url}/predict`, { rows: IRIS_ROWS });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error, /Missing "instances"/);
  await waitFor(() => server.logs.filter((l) => l.event === 'request' && l.path === '/predict').length === 3, 'three request log lines');
  const logLine = server.logs.find((l) => l.event === 'request')!;
  for (const key of ['method', 'path', 'status', 'ms', 'route', 'id']) assert.ok(key in logLine, `request log has ${key}`);
});

test('GET /, health, OpenAPI and V1/V2 metadata routes describe the served model', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')] });
  const text = await fetch(`${server.url}/`);
  assert.equal(text.status, 200);
  assert.match(text.headers.get('content-type')!, /^text\/plain/);
  const body = await text.text();
  assert.match(body, /iris/);
  assert.match(body, /curl -s http:\/\/127\.0\.0\.1:\d+\/predict/);
  assert.match(body, /input: float32 \[batch, 4\]/);

  const html = await fetch(`${server.url}/`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
  assert.match(html.headers.get('content-type')!, /^text\/html/);
  const csp = html.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const page = await html.text();
  assert.match(page, /<form id="try">/);
  assert.match(page, /<textarea id="in-input" name="input"/);
  assert.doesNotMatch(page, /(src|href)="https?:/, 'no external assets');

  const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.deepEqual(await readJson(await fetch(`${server.url}/healthz`)), { status: 'live' });
  assert.deepEqual(await readJson(await fetch(`${server.url}/readyz`)), { status: 'ready' });

  assert.deepEqual(await readJson(await fetch(`${server.url}/v1/models`)), { models: ['iris'] });
  const v1 = await readJson(await fetch(`${server.url}/v1/models/iris`));
  assert.equal(v1.ready, true);
  assert.equal(v1.model_version_status[0].state, 'AVAILABLE');
  assert.equal((await fetch(`${server.url}/v1/models/other`)).status, 404);

  const v2 = await readJson(await fetch(`${server.url}/v2`));
  assert.deepEqual(v2.extensions, ['binary_tensor_data']);
  for (const route of ['/v2/health/live', '/v2/health/ready', '/v2/models/iris/ready', '/v2/models/iris/versions/1/ready']) {
    assert.equal((await fetch(server.url + route)).status, 200, route);
  }
  const meta = await readJson(await fetch(`${server.url}/v2/models/iris`));
  assert.deepEqual(meta, {
    name: 'iris', versions: ['1'], platform: 'onnxruntime_onnx',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
  });
  assert.deepEqual(await readJson(await fetch(`${server.url}/v2/models/iris/versions/1`)), meta);
  const wrongVersion = await fetch(`${server.url}/v2/models/iris/versions/7`);
  assert.equal(wrongVersion.status, 404);
  assert.match((await readJson(wrongVersion)).error, /no version "7"/);

  const api = await readJson(await fetch(`${server.url}/openapi.json`));
  assert.equal(api.openapi, '3.1.0');
  for (const route of ['/', '/predict', '/v1/models', '/v1/models/{name}', '/v1/models/{name}:predict', '/v2', '/v2/health/live', '/v2/health/ready',
    '/v2/models/{name}', '/v2/models/{name}/versions/{version}', '/v2/models/{name}/ready', '/v2/models/{name}/infer', '/metrics', '/healthz', '/readyz', '/openapi.json']) {
    assert.ok(api.paths[route], `OpenAPI describes ${route}`);
  }
  assert.deepEqual(api.components.schemas.Instance.minItems, 4);
  assert.deepEqual(api.components.schemas.Instance.maxItems, 4);
  assert.deepEqual(api.components.schemas.PredictResponse.properties.labels.items.enum, IRIS_LABELS);
  assert.deepEqual(api.paths['/v2/models/{name}/infer'].post.parameters[0].schema.enum, ['iris']);

  const echoed = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'abc-123' } });
  assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
  assert.equal(echoed.headers.get('connection'), 'keep-alive');
});

test('TF-Serving/KServe V1 and V2 inference on iris: rows, columns, JSON, binary, ids, output selection', async (t) => {
  const fixtures = await ensureFixtures();
  const expected = await irisReference(fixtures, IRIS_ROWS);
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')] });

  const rows = await postJson(`${server.url}/v1/models/iris:predict`, { instances: IRIS_ROWS });
  assert.equal(rows.status, 200);
  assert.deepEqual(Object.keys(rows.body), ['predictions']);
  assertClose(rows.body.predictions, expected);
  const cols = await postJson(`${server.url}/v1/models/iris/versions/1:predict`, { inputs: IRIS_ROWS });
  assertClose(cols.body.outputs, expected);
  const named = await postJson(`${server.url}/v1/models/iris:predict`, { inputs: { input: IRIS_ROWS } });
  assertClose(named.body.outputs, expected);
  assert.equal((await postJson(`${server.url}/v1/models/nope:predict`, { instances: IRIS_ROWS })).status, 404);

  const request = { id: 'req-42', inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data: IRIS_ROWS.flat() }] };
  const v2 = await postJson(`${server.url}/v2/models/iris/infer`, request);
  assert.equal(v2.status, 200);
  assert.equal(v2.body.id, 'req-42');
  assert.equal(v2.body.model_name, 'iris');
  assert.equal(v2.body.model_version, '1');
  assert.deepEqual(v2.body.outputs[0].shape, [3, 3]);
  assert.equal(v2.body.outputs[0].datatype, 'FP32');
  assertClose([v2.body.outputs[0].data], [expected.flat()]);
  const nested = await postJson(`${server.url}/v2/models/iris/versions/1/infer`, { inputs: [{ ...request.inputs[0], data: IRIS_ROWS }], outputs: [{ name: 'probabilities' }] });
  assertClose([nested.body.outputs[0].data], [expected.flat()]);
  assert.equal(nested.body.id, undefined);

  // Binary tensor data extension, both directions.
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: 48 } }], parameters: { binary_data_output: true } }));
  const bin = await fetch(`${server.url}/v2/models/iris/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(Float32Array.from(IRIS_ROWS.flat()).buffer)]),
  });
  assert.equal(bin.status, 200);
  assert.equal(bin.headers.get('content-type'), 'application/octet-stream');
  const raw = Buffer.from(await bin.arrayBuffer());
  const jsonLength = Number(bin.headers.get('inference-header-content-length'));
  const answer = JSON.parse(raw.subarray(0, jsonLength).toString());
  assert.equal(answer.outputs[0].parameters.binary_data_size, 36);
  assert.equal(answer.outputs[0].data, undefined);
  const floats = new Float32Array(raw.buffer.slice(raw.byteOffset + jsonLength, raw.byteOffset + jsonLength + 36));
  assertClose([Array.from(floats)], [expected.flat()]);
  // Per-output binary_data: false keeps JSON even when the request asks for binary by default.
  const mixedHeader = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: 48 } }], parameters: { binary_data_output: true }, outputs: [{ name: 'probabilities', parameters: { binary_data: false } }] }));
  const mixed = await fetch(`${server.url}/v2/models/iris/infer`, {
    method: 'POST',
    headers: { 'Inference-Header-Content-Length': String(mixedHeader.length) },
    body: Buffer.concat([mixedHeader, Buffer.from(Float32Array.from(IRIS_ROWS.flat()).buffer)]),
  });
  assert.equal(mixed.status, 200);
  assert.match(mixed.headers.get('content-type')!, /application\/json/);
  assertClose([(await readJson(mixed)).outputs[0].data], [expected.flat()]);
});

test('multi-input, int64, string (b64 and BYTES) and bool models through every protocol', async (t) => {
  const fixtures = await ensureFixtures();
  const multi = await startServer(t, { args: ['--model', path.join(fixtures, 'multi-input.onnx')] });
  const score = (f: number[], c: number) => 0.5 * f[0] - 0.25 * f[1] + f[2] + 2 * c + 0.1;
  const instances = [{ features: [1, 2, 3], category: [1] }, { features: [0, 0, 0], category: [0] }];
  const lesson = await postJson(`${multi.url}/predict`, { instances });
  assert.equal(lesson.status, 200);
  assert.ok(Math.abs(lesson.body.predictions[0][0] - score([1, 2, 3], 1)) < 1e-5);
  assert.ok(Math.abs(lesson.body.predictions[1][0] - score([0, 0, 0], 0)) < 1e-5);
  assert.equal(lesson.body.labels, undefined, 'no labels for a regression');
  const v1 = await postJson(`${multi.url}/v1/models/multi-input:predict`, { inputs: { features: [[1, 2, 3]], category: [[1]] } });
  assert.ok(Math.abs(v1.body.outputs[0][0] - score([1, 2, 3], 1)) < 1e-5);
  const v2 = await postJson(`${multi.url}/v2/models/multi-input/infer`, { inputs: [
    { name: 'features', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
    { name: 'category', shape: [1, 1], datatype: 'INT64', data: [1] },
  ] });
  assert.ok(Math.abs(v2.body.outputs[0].data[0] - score([1, 2, 3], 1)) < 1e-5);
  const plainList = await postJson(`${multi.url}/predict`, { instances: [[1, 2, 3]] });
  assert.equal(plainList.status, 400);
  assert.match(plainList.body.error, /2 inputs \("features", "category"\)/);

  const ints = await startServer(t, { args: ['--model', path.join(fixtures, 'int64-input.onnx')] });
  const sum = await postJson(`${ints.url}/v2/models/int64-input/infer`, { inputs: [{ name: 'ids', shape: [2, 4], datatype: 'INT64', data: [1, 2, 3, 4, '4000000000000', 0, 0, 0] }] });
  assert.equal(sum.status, 200);
  assert.deepEqual(sum.body.outputs[0].data, [10, 4000000000000]);
  assert.equal(sum.body.outputs[0].datatype, 'INT64');
  const intsLesson = await postJson(`${ints.url}/predict`, { instances: [[1, 1, 1, 1]] });
  assert.deepEqual(intsLesson.body.predictions, [[4]]);

  const words = await startServer(t, { args: ['--model', path.join(fixtures, 'string-input.onnx')] });
  const b64 = await postJson(`${words.url}/v1/models/string-input:predict`, { instances: [{ b64: Buffer.from('héllo').toString('base64') }, 'plain'] });
  assert.deepEqual(b64.body.predictions, ['héllo', 'plain']);
  const bytes = await postJson(`${words.url}/v2/models/string-input/infer`, { inputs: [{ name: 'words', shape: [2], datatype: 'BYTES', data: ['a', 'bc'] }] });
  assert.deepEqual(bytes.body.outputs[0], { name: 'echo', datatype: 'BYTES', shape: [2], data: ['a', 'bc'] });
  const payload = bytesElements([Buffer.from('x'), Buffer.from('yz')]);
  const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'words', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: payload.length } }], outputs: [{ name: 'echo', parameters: { binary_data: true } }] }));
  const binRes = await fetch(`${words.url}/v2/models/string-input/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(head.length) }, body: Buffer.concat([head, payload]) });
  const binBody = Buffer.from(await binRes.arrayBuffer());
  const n = Number(binRes.headers.get('inference-header-content-length'));
  assert.deepEqual(binBody.subarray(n), payload);
  // Bytes that are not UTF-8 cannot reach a string input unchanged: refused, not turned into U+FFFD.
  const latin1 = await postJson(`${words.url}/v1/models/string-input:predict`, { instances: [{ b64: Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64') }] });
  assert.equal(latin1.status, 400);
  assert.match(latin1.body.error, /the bytes at \[0\] is not UTF-8 text/);
  const badElement = Buffer.concat([bytesElements([Buffer.from('ok')]), Buffer.from([2, 0, 0, 0, 0xff, 0xfe])]);
  const badHead = Buffer.from(JSON.stringify({ inputs: [{ name: 'words', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: badElement.length } }] }));
  const badBinary = await fetch(`${words.url}/v2/models/string-input/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(badHead.length) }, body: Buffer.concat([badHead, badElement]) });
  assert.equal(badBinary.status, 400);
  assert.match((await readJson(badBinary)).error, /Input "words": BYTES element 1 is not UTF-8 text/);

  const bools = await startServer(t, { args: ['--model', path.join(fixtures, 'bool-input.onnx')] });
  const not = await postJson(`${bools.url}/v2/models/bool-input/infer`, { inputs: [{ name: 'mask', shape: [1, 4], datatype: 'BOOL', data: [true, false, true, false] }] });
  assert.deepEqual(not.body.outputs[0].data, [false, true, false, true]);
  const boolRows = await postJson(`${bools.url}/predict`, { instances: [[true, true, false, false]] });
  assert.deepEqual(boolRows.body.predictions, [[false, false, true, true]]);
});

test('V2 round-trips every datatype, as JSON and as binary tensor data', async (t) => {
  const dir = tempDir(t);
  const model = writeAllTypesModel(dir);
  const server = await startServer(t, { args: ['--model', model] });
  const V2: Record<string, string> = { bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64', int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64', float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES' };
  const values: Record<string, unknown[]> = {
    bool: [true, false, false, true], uint8: [0, 255, 7, 8], uint16: [0, 65535, 1, 2], uint32: [0, 4294967295, 3, 4], uint64: [0, '18446744073709551615', 5, 6],
    int8: [-128, 127, 0, 1], int16: [-32768, 32767, 0, 1], int32: [-2147483648, 2147483647, 0, 1], int64: ['-9223372036854775808', '9223372036854775807', 0, 1],
    float16: [0.5, -2, 65504, 0.25], float32: [1.5, -0.25, 65536, 0], float64: [1e300, -1e-300, 0.1, 2], string: ['a', '', 'ü', 'long text'],
  };
  const inputs = IDENTITY_TYPES.map((type) => ({ name: `in_${type}`, shape: [2, 2], datatype: V2[type], data: values[type] }));
  const res = await postJson(`${server.url}/v2/models/all-types/infer`, { inputs });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  for (const type of IDENTITY_TYPES) {
    const out = res.body.outputs.find((o: { name: string }) => o.name === `out_${type}`);
    assert.equal(out.datatype, V2[type]);
    assert.deepEqual(out.shape, [2, 2]);
    assert.deepEqual(out.data, values[type], type);
  }

  // Binary: every input as raw little-endian bytes, every output back as bytes.
  const encode = (type: string, data: unknown[]): Buffer => {
    switch (type) {
      case 'bool': return Buffer.from((data as boolean[]).map((b) => (b ? 1 : 0)));
      case 'string': return Buffer.concat((data as string[]).map((s) => { const b = Buffer.from(s); const h = Buffer.alloc(4); h.writeUInt32LE(b.length); return Buffer.concat([h, b]); }));
      case 'uint8': return Buffer.from(Uint8Array.from(data as number[]).buffer);
      case 'uint16': return Buffer.from(Uint16Array.from(data as number[]).buffer);
      case 'uint32': return Buffer.from(Uint32Array.from(data as number[]).buffer);
      case 'uint64': return Buffer.from(BigUint64Array.from((data as Array<number | string>).map((v) => BigInt(v))).buffer);
      case 'int8': return Buffer.from(Int8Array.from(data as number[]).buffer);
      case 'int16': return Buffer.from(Int16Array.from(data as number[]).buffer);
      case 'int32': return Buffer.from(Int32Array.from(data as number[]).buffer);
      case 'int64': return Buffer.from(BigInt64Array.from((data as Array<number | string>).map((v) => BigInt(v))).buffer);
      case 'float16': return Buffer.from(Uint16Array.from([0x3800, 0xc000, 0x7bff, 0x3400]).buffer);
      case 'float32': return Buffer.from(Float32Array.from(data as number[]).buffer);
      default: return Buffer.from(Float64Array.from(data as number[]).buffer);
    }
  };
  const blobs = IDENTITY_TYPES.map((type) => encode(type, values[type]));
  const header = Buffer.from(JSON.stringify({
    inputs: IDENTITY_TYPES.map((type, i) => ({ name: `in_${type}`, shape: [2, 2], datatype: V2[type], parameters: { binary_data_size: blobs[i].length } })),
    parameters: { binary_data_output: true },
  }));
  const bin = await fetch(`${server.url}/v2/models/all-types/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(header.length), 'Content-Type': 'application/octet-stream' }, body: Buffer.concat([header, ...blobs]) });
  assert.equal(bin.status, 200);
  const body = Buffer.from(await bin.arrayBuffer());
  const n = Number(bin.headers.get('inference-header-content-length'));
  const answer = JSON.parse(body.subarray(0, n).toString());
  let at = n;
  for (const [i, type] of IDENTITY_TYPES.entries()) {
    const out = answer.outputs.find((o: { name: string }) => o.name === `out_${type}`);
    const size = out.parameters.binary_data_size;
    assert.deepEqual(body.subarray(at, at + size), blobs[IDENTITY_TYPES.indexOf(type)], `${type} (${i})`);
    at += size;
  }
  assert.equal(at, body.length);
});

function pngOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = pixel(x, y);
    const i = (y * width + x) * 4;
    png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

test('image models: multipart and raw PNG/JPEG bodies are decoded and preprocessed as the config says', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t);
  const configPath = path.join(dir, 'runtime.json');
  const preprocess = { type: 'image', layout: 'NCHW', colorOrder: 'RGB', resize: 'stretch', orientation: 'as-stored', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } as const;
  const labels = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  require('node:fs').writeFileSync(configPath, JSON.stringify({ model: { path: path.join(fixtures, 'cnn.onnx'), name: 'cifar', version: '3' }, labels, inputs: { image: preprocess } }));
  const server = await startServer(t, { args: ['--config', configPath] });

  const red = pngOf(48, 40, (x) => [200, x * 4, 30]);
  const blue = pngOf(32, 32, (_x, y) => [10, y * 5, 220]);
  const jpg = Buffer.from(jpeg.encode({ width: 32, height: 32, data: Buffer.from(new Uint8Array(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256))) }, 95).data);

  // The reference: the same decode + preprocessing in process, then ONNX Runtime directly.
  const session = await ort.InferenceSession.create(path.join(fixtures, 'cnn.onnx'));
  const io = { name: 'image', isTensor: true, elementType: 'float32' as const, dims: ['batch', 3, 32, 32] };
  const reference = async (bytes: Buffer) => {
    const tensor = imageToTensor(decodeImage(bytes, 'x'), io, { ...preprocess, mean: [...preprocess.mean], std: [...preprocess.std] });
    const out = await session.run({ image: new ort.Tensor('float32', tensor.data as Float32Array, tensor.dims) });
    return Array.from(out.scores.data as Float32Array);
  };
  t.after(() => session.release());

  const form = new FormData();
  form.append('image', new Blob([red], { type: 'image/png' }), 'red.png');
  form.append('image', new Blob([blue], { type: 'image/png' }), 'blue.png');
  const multi = await fetch(`${server.url}/predict`, { method: 'POST', body: form });
  assert.equal(multi.status, 200);
  const multiBody = await readJson(multi);
  assert.equal(multiBody.predictions.length, 2);
  assertClose([multiBody.predictions[0]], [await reference(red)]);
  assertClose([multiBody.predictions[1]], [await reference(blue)]);
  assert.ok(labels.includes(multiBody.labels[0]));

  const raw = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: red });
  assertClose([(await readJson(raw)).predictions[0]], [await reference(red)]);
  const rawJpeg = await fetch(`${server.url}/v1/models/cifar:predict`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: jpg });
  assertClose([(await readJson(rawJpeg)).predictions[0]], [await reference(jpg)]);
  const v2Form = new FormData();
  v2Form.append('file', new Blob([blue], { type: 'image/png' }), 'blue.png');
  const v2 = await fetch(`${server.url}/v2/models/cifar/versions/3/infer`, { method: 'POST', body: v2Form });
  const v2Body = await readJson(v2);
  assert.equal(v2Body.model_version, '3');
  assertClose([v2Body.outputs[0].data], [await reference(blue)]);

  const page = await (await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } })).text();
  assert.match(page, /<input type="file" accept="image\/png,image\/jpeg" id="in-image" name="image">/);

  const notImage = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: 'not a png' });
  assert.equal(notImage.status, 415);
  assert.match((await readJson(notImage)).error, /not a PNG or JPEG/);
  const broken = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: red.subarray(0, 60) });
  assert.equal(broken.status, 400);
  assert.match((await readJson(broken)).error, /cannot be decoded/);
});

test('image models take encoded images inside JSON: {"b64"} rows and columns (TF Serving), V2 BYTES as binary or base64 (Triton)', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')] });
  const model = 'cnn';
  const red = pngOf(48, 40, (x) => [200, x * 4, 30]);
  const blue = pngOf(32, 32, (_x, y) => [10, y * 5, 220]);
  const b64 = (bytes: Buffer) => ({ b64: bytes.toString('base64') });

  // The reference: the same images as a multipart form, the path the previous test checks against ONNX Runtime.
  const form = new FormData();
  form.append('image', new Blob([red], { type: 'image/png' }), 'red.png');
  form.append('image', new Blob([blue], { type: 'image/png' }), 'blue.png');
  const expected = (await readJson(await fetch(`${server.url}/predict`, { method: 'POST', body: form }))).predictions as number[][];
  assert.equal(expected.length, 2);

  const lesson = await postJson(`${server.url}/predict`, { instances: [b64(red), b64(blue)] });
  assert.equal(lesson.status, 200, JSON.stringify(lesson.body));
  assertClose(lesson.body.predictions, expected);
  const named = await postJson(`${server.url}/v1/models/${model}:predict`, { instances: [{ image: b64(red) }, { image: b64(blue) }] });
  assertClose(named.body.predictions, expected);
  const columns = await postJson(`${server.url}/v1/models/${model}:predict`, { inputs: { image: [b64(red), b64(blue)] } });
  assertClose(columns.body.outputs, expected);
  const one = await postJson(`${server.url}/v1/models/${model}:predict`, { inputs: b64(blue) });
  assertClose(one.body.outputs, [expected[1]]);

  const v2Json = await postJson(`${server.url}/v2/models/${model}/infer`, { id: 'x1', inputs: [{ name: 'image', datatype: 'BYTES', shape: [2], data: [red.toString('base64'), blue.toString('base64')] }] });
  assert.equal(v2Json.status, 200, JSON.stringify(v2Json.body));
  assert.equal(v2Json.body.id, 'x1');
  assert.deepEqual(v2Json.body.outputs[0].shape, [2, 10]);
  assertClose([v2Json.body.outputs[0].data], [expected.flat()]);
  // Triton's clients send images as binary BYTES: each element a 4-byte little-endian length, then the file.
  const payload = bytesElements([red, blue]);
  const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: payload.length } }] }));
  const binary = await fetch(`${server.url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(head.length) }, body: Buffer.concat([head, payload]) });
  assert.equal(binary.status, 200);
  assertClose([(await readJson(binary)).outputs[0].data], [expected.flat()]);

  const errors: Array<[string, unknown, number, RegExp]> = [
    ['/predict', { instances: [b64(red), [[[0]]]] }, 400, /mixes images \(\{"b64": \.\.\.\}\) and values; row 1 is not an image/],
    ['/predict', { instances: [b64(Buffer.from('hello'))] }, 415, /The image in instance 0 is not a PNG or JPEG image/],
    ['/predict', { instances: [b64(red.subarray(0, 60))] }, 400, /The image in instance 0 cannot be decoded/],
    [`/v2/models/${model}/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1, 1], data: [red.toString('base64')] }] }, 400, /take shape \[N\], one element per image; got \[1, 1\]/],
    [`/v2/models/${model}/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [2], data: [red.toString('base64')] }] }, 400, /shape \[2\] needs 2 images but "data" holds 1/],
    [`/v2/models/${model}/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: ['not base64!'] }] }, 400, /image 0 in "data" \(JSON carries images as base64\) is not base64 text/],
  ];
  for (const [route, body, status, message] of errors) {
    const res = await postJson(`${server.url}${route}`, body);
    assert.equal(res.status, status, `${route} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, message);
  }
  // Still serving after all that.
  assertClose((await postJson(`${server.url}/predict`, { instances: [b64(red)] })).body.predictions, [expected[0]]);
  // The server's own page (GET / for curl) shows this way too, and its command works as printed.
  const page = await (await fetch(`${server.url}/`)).text();
  const line = page.split('\n').find((l) => l.includes('base64 < photo.jpg'));
  assert.ok(line, page);
  if (require('node:fs').existsSync('/usr/bin/curl')) {
    const dir = tempDir(t);
    require('node:fs').writeFileSync(path.join(dir, 'photo.jpg'), red);
    const out = require('node:child_process').execFileSync('/bin/sh', ['-c', line], { cwd: dir, encoding: 'utf8' }) as string;
    assertClose((JSON.parse(out) as { predictions: number[][] }).predictions, [expected[0]]);
  }
  // /openapi.json tells client generators an instance may be an encoded image.
  const api = await readJson(await fetch(`${server.url}/openapi.json`));
  assert.ok(api.components.schemas.Instance.oneOf.some((s: { required?: string[] }) => s.required?.includes('b64')));
  assert.match(JSON.stringify(api.components.schemas.V2InferenceRequest), /encoded PNG\/JPEG files as datatype BYTES/);
});

test('many tiny images cannot ask for gigabytes: the tensors a request\'s images will make are counted from their headers first', async (t) => {
  // Before: a 5 MB JSON of 50,000 1x1 PNGs took this model's server to 6.6 GB and 14.6 s; now it is a 413 at once.
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')], env: { MODELDOCK_MAX_BUFFERED_MB: '1' } });
  const dot = pngOf(1, 1, () => [90, 90, 90]);
  const rows = (n: number) => ({ instances: Array.from({ length: n }, () => ({ b64: dot.toString('base64') })) });
  // Each 1x1 PNG becomes a float32 3x32x32 tensor: 12 KB. 1 MB holds 85 of them.
  const fits = await postJson(`${server.url}/predict`, rows(85));
  assert.equal(fits.status, 200, JSON.stringify(fits.body).slice(0, 200));
  assert.equal(fits.body.predictions.length, 85);
  const tooMany = await postJson(`${server.url}/predict`, rows(86));
  assert.equal(tooMany.status, 413);
  assert.match(tooMany.body.error, /The request's 86 images would make 1032 KB of input tensors; one request may make up to 1024 KB \(MODELDOCK_MAX_BUFFERED_MB\)\. Send at most 85 images like these per request/);
  const form = new FormData();
  for (let i = 0; i < 90; i++) form.append('image', new Blob([dot], { type: 'image/png' }), `${i}.png`);
  const formRes = await fetch(`${server.url}/predict`, { method: 'POST', body: form });
  assert.equal(formRes.status, 413, 'forms count the same way');
  const payload = bytesElements(Array.from({ length: 90 }, () => dot));
  const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [90], parameters: { binary_data_size: payload.length } }] }));
  const v2 = await fetch(`${server.url}/v2/models/cnn/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(head.length) }, body: Buffer.concat([head, payload]) });
  assert.equal(v2.status, 413, 'and V2 BYTES');
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

  // Six requests of 60 images each (720 KB of tensors apiece, 4.3 MB together) share the 1 MB: they take turns,
  // all answer, and at no time are more than one request's images waiting for the image threads.
  let maxQueued = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      maxQueued = Math.max(maxQueued, Number(/^modeldock_image_queue_depth (\d+)$/m.exec(text)?.[1] ?? 0));
    }
  })();
  const answers = await Promise.all(Array.from({ length: 6 }, () => postJson(`${server.url}/predict`, rows(60))));
  sampling = false;
  await sampler;
  for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body).slice(0, 200));
  assert.ok(maxQueued <= 60, `at most one request's images queued at once (saw ${maxQueued})`);
});

test('fixed-batch models take several rows one at a time; dynamic inner dimensions batch only with their own kind', async (t) => {
  const fixtures = await ensureFixtures();
  const fixed = await startServer(t, { args: ['--model', path.join(fixtures, 'fixed-batch.onnx')] });
  const res = await postJson(`${fixed.url}/predict`, { instances: IRIS_ROWS });
  assert.equal(res.status, 200);
  assertClose(res.body.predictions, await irisReference(fixtures, IRIS_ROWS));
  assert.deepEqual(res.body.labels, ['setosa', 'virginica', 'versicolor']);

  const dynamic = await startServer(t, { args: ['--model', path.join(fixtures, 'dynamic-dims.onnx')], env: { MODELDOCK_MAX_BATCH_DELAY_MS: '20' } });
  const seq = (n: number, v: number) => Array.from({ length: n }, () => Array.from({ length: 8 }, (_, k) => v + k));
  const answers = await Promise.all([2, 3, 2, 5].map((n, i) => postJson(`${dynamic.url}/v1/models/dynamic-dims:predict`, { instances: [seq(n, i)] })));
  answers.forEach((a, i) => {
    assert.equal(a.status, 200);
    assert.deepEqual(a.body.predictions, [Array.from({ length: 8 }, (_, k) => i + k)]);
  });
  const metrics = await (await fetch(`${dynamic.url}/metrics`)).text();
  const batches = Number(/modeldock_batch_size_count (\d+)/.exec(metrics)![1]);
  assert.ok(batches <= 4 && batches >= 3, `the two seq=2 requests share a run (runs: ${batches})`);
});
