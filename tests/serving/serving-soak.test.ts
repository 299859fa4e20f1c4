import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
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

  const run = async (from: number, to: number) => {
    let next = from;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) await one(next++);
    }));
  };
  await run(0, 500);
  const warm = await rss(server.url);
  await run(500, TOTAL);
  const after = await rss(server.url);

  assert.deepEqual(problems.slice(0, 10), []);
  assert.equal(good + bad, TOTAL);
  assert.ok(bad > TOTAL / 4);
  assert.equal(server.child.exitCode, null, 'still running');
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  assert.ok(after < warm * 1.3 + 16 * 1024 * 1024, `RSS ${Math.round(after / 1048576)} MiB after the soak vs ${Math.round(warm / 1048576)} MiB after warm-up`);
  assert.ok(!server.logs.some((l) => l.level === 'error'), JSON.stringify(server.logs.filter((l) => l.level === 'error').slice(0, 3)));
});
