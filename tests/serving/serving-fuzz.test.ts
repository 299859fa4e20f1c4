import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { bytesElements } from '../../main/serving/v2-binary';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { startServer } from './serving-support';

/**
 * Mutated requests against an image model: valid requests of every shape the server takes (JSON rows and columns
 * with {"b64"}, V2 JSON and binary with BYTES images and FP32 tensors, multipart forms, raw images) with bytes
 * flipped, cut, duplicated or spliced, and headers lied about. Every answer must be a 2xx or a 4xx with {"error"},
 * never a 5xx, and the server must stay up and answer correctly afterwards. Seeded, so a failure repeats.
 */
const ROUNDS = 1500;

function send(agent: http.Agent, url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test(`fuzz: ${ROUNDS} mutated image-model requests get 2xx or a 4xx with a message, never a 5xx`, async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')], env: { MODELDOCK_LOG_LEVEL: 'warn' } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());

  let seed = 1234567;
  const rand = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];

  const png = (() => { const p = new PNG({ width: 24, height: 20 }); for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 13) & 255; return PNG.sync.write(p); })();
  const b64 = png.toString('base64');
  const binaryV2 = () => {
    const payload = bytesElements([png]);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: payload.length } }] }));
    return { body: Buffer.concat([header, payload]), headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) } };
  };
  const tensorV2 = () => {
    const values = Buffer.from(new Float32Array(3 * 32 * 32).fill(0.5).buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 3, 32, 32], parameters: { binary_data_size: values.length } }] }));
    return { body: Buffer.concat([header, values]), headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) } };
  };
  const form = () => {
    const head = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n');
    return { body: Buffer.concat([head, png, Buffer.from('\r\n--xyz--\r\n')]), headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' } };
  };
  const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), headers: { 'Content-Type': 'application/json' } });
  const seeds: Array<[string, () => { body: Buffer; headers: Record<string, string> }]> = [
    ['/predict', () => json({ instances: [{ b64 }, { b64 }] })],
    ['/v1/models/cnn:predict', () => json({ instances: [{ image: { b64 } }] })],
    ['/v1/models/cnn:predict', () => json({ inputs: { image: [{ b64 }] } })],
    ['/v2/models/cnn/infer', () => json({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [b64] }] })],
    ['/v2/models/cnn/infer', binaryV2],
    ['/v2/models/cnn/infer', tensorV2],
    ['/predict', form],
    ['/predict', () => ({ body: png, headers: { 'Content-Type': 'image/png' } })],
  ];

  const mutate = (body: Buffer): Buffer => {
    const b = Buffer.from(body);
    switch (Math.floor(rand() * 6)) {
      case 0: for (let k = 0; k < 1 + rand() * 8; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256); return b;
      case 1: return b.subarray(0, Math.floor(rand() * b.length));
      case 2: { const at = Math.floor(rand() * b.length); return Buffer.concat([b.subarray(0, at), b.subarray(Math.floor(rand() * b.length)), b.subarray(at)]); }
      case 3: { const at = Math.floor(rand() * b.length); return Buffer.concat([b.subarray(0, at), Buffer.from(pick(['"', '{', ']', '\\', '\u0000', '"b64"', '-1', '1e999', 'null'])), b.subarray(at)]); }
      case 4: return b; // unchanged body, lying headers below
      default: { const at = Math.floor(rand() * b.length); b.fill(Math.floor(rand() * 256), at, Math.min(b.length, at + Math.floor(rand() * 64))); return b; }
    }
  };
  const mutateHeaders = (headers: Record<string, string>): Record<string, string> => {
    if (rand() > 0.3) return headers;
    const h = { ...headers };
    if (h['Inference-Header-Content-Length']) h['Inference-Header-Content-Length'] = pick(['0', '1', '999999', String(Number(h['Inference-Header-Content-Length']) + 3), '-4', 'x']);
    else h['Content-Type'] = pick(['image/png', 'image/jpeg', 'multipart/form-data; boundary=nope', 'application/json', 'application/octet-stream', 'text/plain']);
    return h;
  };

  const statuses = new Map<number, number>();
  const problems: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [route, make] = pick(seeds);
    const made = make();
    const res = await send(agent, server.url + route, mutate(made.body), mutateHeaders(made.headers));
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) problems.push(`round ${i} ${route}: ${res.status} ${res.body.slice(0, 200)}`);
    else if (res.status >= 400) {
      let error: unknown;
      try { error = (JSON.parse(res.body) as { error?: unknown }).error; } catch { error = undefined; }
      if (typeof error !== 'string' || error.length < 10) problems.push(`round ${i} ${route}: ${res.status} without a message: ${res.body.slice(0, 200)}`);
    }
  }
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  assert.deepEqual(problems.slice(0, 10), []);
  assert.ok((statuses.get(200) ?? 0) > ROUNDS / 20, `some mutations still succeed: ${JSON.stringify([...statuses])}`);
  assert.ok([...statuses.keys()].filter((s) => s >= 400).length >= 3, `several kinds of refusal: ${JSON.stringify([...statuses])}`);
  // Still serving, and right.
  const after = await send(agent, `${server.url}/predict`, png, { 'Content-Type': 'image/png' });
  assert.equal(after.status, 200);
  assert.equal(server.child.exitCode, null);
  assert.ok(!server.logs.some((l) => l.level === 'error'), JSON.stringify(server.logs.filter((l) => l.level === 'error').slice(0, 3)));
});
