import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { decodeImage, imageToTensor } from '../../main/inference/image-input';
import { bytesElements } from '../../main/serving/v2-binary';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { startServer } from './serving-support';

/**
 * A soak on loopback: a few thousand mixed requests (lesson, V1, V2 JSON, V2 binary, and a third of them bad in
 * assorted ways) over keep-alive connections, 16 at a time. No crash, every good answer equal to the in-process
 * ONNX Runtime result, every bad one a 4xx with {"error"}, and resident memory bounded.
 */
const TOTAL = 3000;
const CONCURRENCY = 16;

function post(agent: http.Agent, url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)![1]);
}

type Soaked = Awaited<ReturnType<typeof startServer>>;

/**
 * Runs requests 0..total-1 through `one`, `concurrency` at a time, and checks what both soaks promise: no problem
 * reported, every request counted, a quarter or more refused, the server up and ready, no error logged, and RSS
 * after the soak within 1.3x (+16 MiB) of RSS after the first `warmup` requests.
 */
async function soakAndCheck(
  server: Soaked, one: (i: number) => Promise<void>, plan: { total: number; warmup: number; concurrency: number },
  counts: () => { problems: string[]; good: number; bad: number },
): Promise<void> {
  const run = async (from: number, to: number) => {
    let next = from;
    await Promise.all(Array.from({ length: plan.concurrency }, async () => {
      while (next < to) await one(next++);
    }));
  };
  await run(0, plan.warmup);
  const warm = await rss(server.url);
  await run(plan.warmup, plan.total);
  const after = await rss(server.url);
  const { problems, good, bad } = counts();
  assert.deepEqual(problems.slice(0, 10), []);
  assert.equal(good + bad, plan.total);
  assert.ok(bad > plan.total / 4);
  assert.equal(server.child.exitCode, null, 'still running');
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  assert.ok(after < warm * 1.3 + 16 * 1024 * 1024, `RSS ${Math.round(after / 1048576)} MiB after the soak vs ${Math.round(warm / 1048576)} MiB after warm-up`);
  assert.ok(!server.logs.some((l) => l.level === 'error'), JSON.stringify(server.logs.filter((l) => l.level === 'error').slice(0, 3)));
}

test(`soak: ${TOTAL} mixed good and bad requests, answers exact, no crash, memory bounded`, async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env: { MODELDOCK_LOG_LEVEL: 'warn' } });
  const session = await ort.InferenceSession.create(path.join(fixtures, 'iris.onnx'));
  t.after(() => session.release());
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  t.after(() => agent.destroy());

  let seed = 7;
  const rand = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  const row = () => [4 + rand() * 4, 2 + rand() * 2.5, 1 + rand() * 6, rand() * 2.5].map((v) => Math.round(v * 10) / 10);
  const expected = async (rows: number[][]) => {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) });
    return Array.from(out.probabilities.data as Float32Array);
  };

  let good = 0;
  let bad = 0;
  const problems: string[] = [];
  const one = async (i: number) => {
    const kind = i % 9;
    const rows = Array.from({ length: 1 + (i % 3) }, row);
    const u = server.url;
    if (kind <= 5) {
      let res;
      let values: number[];
      if (kind <= 1) {
        res = await post(agent, `${u}/predict`, JSON.stringify({ instances: rows }), {});
        values = (JSON.parse(res.body.toString()).predictions as number[][]).flat();
      } else if (kind === 2) {
        res = await post(agent, `${u}/v1/models/iris:predict`, JSON.stringify({ instances: rows }), {});
        values = (JSON.parse(res.body.toString()).predictions as number[][]).flat();
      } else if (kind === 3) {
        res = await post(agent, `${u}/v2/models/iris/infer`, JSON.stringify({ id: String(i), inputs: [{ name: 'input', shape: [rows.length, 4], datatype: 'FP32', data: rows.flat() }] }), {});
        const doc = JSON.parse(res.body.toString());
        if (doc.id !== String(i)) problems.push(`request ${i}: id ${doc.id}`);
        values = doc.outputs[0].data;
      } else {
        const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [rows.length, 4], datatype: 'FP32', parameters: { binary_data_size: rows.length * 16 } }], parameters: { binary_data_output: kind === 5 } }));
        res = await post(agent, `${u}/v2/models/iris/infer`, Buffer.concat([header, Buffer.from(Float32Array.from(rows.flat()).buffer)]), { 'Inference-Header-Content-Length': String(header.length), 'Content-Type': 'application/octet-stream' });
        if (kind === 5) {
          const n = Number(res.headers['inference-header-content-length']);
          const bytes = res.body.subarray(n);
          values = Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
        } else {
          values = JSON.parse(res.body.toString()).outputs[0].data;
        }
      }
      if (res.status !== 200) { problems.push(`request ${i} (kind ${kind}): ${res.status} ${res.body.toString().slice(0, 200)}`); return; }
      const want = await expected(rows);
      if (values.length !== want.length || values.some((v, k) => Math.abs(v - want[k]) > 1e-6)) problems.push(`request ${i} (kind ${kind}): wrong answer`);
      good++;
      return;
    }
    const badBodies: Array<[string, string | Buffer, Record<string, string>, number]> = [
      ['/predict', JSON.stringify({ instances: [[1, 2, 3]] }), {}, 400],
      ['/predict', '{"instances": [[1, 2, 3, 4]', {}, 400],
      ['/v2/models/iris/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [100000000, 4], datatype: 'FP32', data: [1] }] }), {}, 400],
      ['/v2/models/iris/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] }), {}, 400],
      ['/v1/models/ghost:predict', JSON.stringify({ instances: [[1, 2, 3, 4]] }), {}, 404],
      ['/predict', 'a,b,c', { 'Content-Type': 'text/csv' }, 415],
      ['/v2/models/iris/infer', Buffer.concat([Buffer.from('{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}'), Buffer.alloc(3)]), { 'Inference-Header-Content-Length': '93' }, 400],
      ['/predict', JSON.stringify({ instances: [[1, [2], 3, 4]] }), {}, 400],
    ];
    const [route, body, headers, status] = badBodies[i % badBodies.length];
    const res = await post(agent, server.url + route, body, headers);
    if (res.status !== status) problems.push(`bad request ${i} to ${route}: ${res.status} instead of ${status}: ${res.body.toString().slice(0, 200)}`);
    else if (typeof JSON.parse(res.body.toString()).error !== 'string') problems.push(`bad request ${i}: no error text`);
    bad++;
  };

  await soakAndCheck(server, one, { total: TOTAL, warmup: 500, concurrency: CONCURRENCY }, () => ({ problems, good, bad }));
});

test('image soak: 1500 photos as forms, raw bodies, {"b64"} JSON and V2 BYTES, a third of them bad; answers exact, memory bounded', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')], env: { MODELDOCK_LOG_LEVEL: 'warn' } });
  const session = await ort.InferenceSession.create(path.join(fixtures, 'cnn.onnx'));
  t.after(() => session.release());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  t.after(() => agent.destroy());
  const io = { name: 'image', isTensor: true, elementType: 'float32' as const, dims: ['batch', 3, 32, 32] };

  // Six photos of different sizes and both formats, each with its in-process answer.
  const photos = await Promise.all([[32, 32], [48, 40], [20, 64], [100, 75], [33, 31], [64, 64]].map(async ([w, h], k) => {
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([(i * (k + 3)) & 255, (i >> 2) & 255, (k * 40) & 255, 255], i * 4);
    let bytes: Buffer;
    if (k % 2) bytes = Buffer.from(jpeg.encode({ data: rgba, width: w, height: h }, 90).data);
    else { const png = new PNG({ width: w, height: h }); rgba.copy(png.data); bytes = PNG.sync.write(png); }
    const tensor = imageToTensor(decodeImage(bytes, 'x'), io);
    const out = await session.run({ image: new ort.Tensor('float32', tensor.data as Float32Array, tensor.dims) });
    return { bytes, type: k % 2 ? 'image/jpeg' : 'image/png', scores: Array.from(out.scores.data as Float32Array) };
  }));

  const problems: string[] = [];
  let good = 0;
  let bad = 0;
  const one = async (i: number) => {
    const u = server.url;
    const kind = i % 9;
    if (kind <= 5) {
      const picks = [photos[i % photos.length], photos[(i * 5 + 1) % photos.length]].slice(0, 1 + (i % 2));
      let res;
      let rows: number[][];
      if (kind === 0) {
        const boundary = `b${i}`;
        const parts = picks.map((p, k) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="p${k}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.bytes, Buffer.from('\r\n')]));
        res = await post(agent, `${u}/predict`, Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
        rows = JSON.parse(res.body.toString()).predictions;
      } else if (kind === 1) {
        picks.splice(1);
        res = await post(agent, `${u}/predict`, picks[0].bytes, { 'Content-Type': picks[0].type });
        rows = JSON.parse(res.body.toString()).predictions;
      } else if (kind === 2 || kind === 3) {
        const route = kind === 2 ? '/predict' : '/v1/models/cnn:predict';
        res = await post(agent, `${u}${route}`, JSON.stringify({ instances: picks.map((p) => ({ b64: p.bytes.toString('base64') })) }), {});
        rows = JSON.parse(res.body.toString()).predictions;
      } else if (kind === 4) {
        res = await post(agent, `${u}/v2/models/cnn/infer`, JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [picks.length], data: picks.map((p) => p.bytes.toString('base64')) }] }), {});
        const data = JSON.parse(res.body.toString()).outputs?.[0]?.data ?? [];
        rows = picks.map((_, r) => data.slice(r * 10, r * 10 + 10));
      } else {
        const payload = bytesElements(picks.map((p) => p.bytes));
        const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [picks.length], parameters: { binary_data_size: payload.length } }] }));
        res = await post(agent, `${u}/v2/models/cnn/infer`, Buffer.concat([header, payload]), { 'Inference-Header-Content-Length': String(header.length), 'Content-Type': 'application/octet-stream' });
        const data = JSON.parse(res.body.toString()).outputs?.[0]?.data ?? [];
        rows = picks.map((_, r) => data.slice(r * 10, r * 10 + 10));
      }
      if (res.status !== 200) { problems.push(`request ${i} (kind ${kind}): ${res.status} ${res.body.toString().slice(0, 200)}`); return; }
      picks.forEach((p, r) => {
        if (!rows[r] || rows[r].some((v, k) => Math.abs(v - p.scores[k]) > 1e-4)) problems.push(`request ${i} (kind ${kind}) row ${r}: wrong answer`);
      });
      good++;
      return;
    }
    const png = photos[0].bytes;
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(60000, 16);
    bomb.writeUInt32BE(60000, 20);
    const badBodies: Array<[string, string | Buffer, Record<string, string>, number]> = [
      ['/predict', png.subarray(0, 70), { 'Content-Type': 'image/png' }, 400],
      ['/predict', 'not an image at all', { 'Content-Type': 'image/jpeg' }, 415],
      ['/predict', bomb, { 'Content-Type': 'image/png' }, 413],
      ['/v1/models/cnn:predict', JSON.stringify({ instances: [{ b64: png.toString('base64') }, [[[1]]]] }), {}, 400],
      ['/v1/models/cnn:predict', JSON.stringify({ instances: [{ b64: Buffer.from('hello').toString('base64') }] }), {}, 415],
      ['/v2/models/cnn/infer', JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [2], data: [png.toString('base64')] }] }), {}, 400],
      ['/v2/models/cnn/infer', JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [bomb.toString('base64')] }] }), {}, 413],
    ];
    const [route, body, headers, status] = badBodies[i % badBodies.length];
    const res = await post(agent, server.url + route, body, headers);
    if (res.status !== status) problems.push(`bad request ${i} to ${route}: ${res.status} instead of ${status}: ${res.body.toString().slice(0, 200)}`);
    else if (typeof JSON.parse(res.body.toString()).error !== 'string') problems.push(`bad request ${i}: no error text`);
    bad++;
  };

  await soakAndCheck(server, one, { total: 1500, warmup: 300, concurrency: 8 }, () => ({ problems, good, bad }));
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^modeldock_image_queue_depth 0$/m, 'no image left waiting');
});
