/**
 * Compressed answers (resources/serving/src/response-compression.ts) for the clients that ask: raw bytes to see the
 * headers and the compressed body as sent, then the clients users have (Python requests, curl --compressed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { postBytes, rawHttp, type RawResponse } from '../support/raw-http';
import { startServer, type RunningServer } from './serving-support';

const ROWS = JSON.stringify({ instances: Array.from({ length: 200 }, (_, i) => [4.5 + (i % 30) / 10, 3.0, 1.4 + (i % 50) / 10, 0.2 + (i % 20) / 10]) });
const ONE_ROW = JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] });

async function iris(t: Parameters<typeof startServer>[0], env: Record<string, string> = {}): Promise<RunningServer> {
  const fixtures = await ensureFixtures();
  return startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env });
}

async function one(port: number, request: string | Buffer, bodiless = false): Promise<RawResponse> {
  const { responses } = await rawHttp(port, [request], { answers: 1, bodiless: bodiless ? [0] : [] });
  assert.equal(responses.length, 1);
  return responses[0];
}

const post = (body: string, acceptEncoding?: string) => postBytes('/predict', body, acceptEncoding === undefined ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`);

test('an answer of 1 KB or more goes gzip-compressed to a client that asks, and inflates to the plain answer', async (t) => {
  const server = await iris(t);
  const plain = await one(server.port, post(ROWS));
  const gzipped = await one(server.port, post(ROWS, 'gzip, deflate'));
  assert.equal(plain.status, 200);
  assert.equal(gzipped.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding', 'a cache must know the answer depends on Accept-Encoding');
  assert.ok(plain.body.length >= 1024, `the plain answer is ${plain.body.length} bytes`);
  assert.equal(gzipped.headers['content-encoding'], 'gzip');
  assert.equal(gzipped.headers.vary, 'Accept-Encoding');
  assert.equal(Number(gzipped.headers['content-length']), gzipped.body.length);
  assert.ok(gzipped.body.length < plain.body.length / 2, `${gzipped.body.length} vs ${plain.body.length} bytes`);
  assert.equal(zlib.gunzipSync(gzipped.body).toString(), plain.body.toString());
  assert.equal(JSON.parse(plain.body.toString()).labels.length, 200);

  const deflated = await one(server.port, post(ROWS, 'deflate'));
  assert.equal(deflated.headers['content-encoding'], 'deflate');
  assert.equal(zlib.inflateSync(deflated.body).toString(), plain.body.toString());

  for (const refuses of ['identity', 'gzip;q=0', 'br']) {
    const r = await one(server.port, post(ROWS, refuses));
    assert.equal(r.headers['content-encoding'], undefined, `Accept-Encoding: ${refuses}`);
    assert.equal(r.body.toString(), plain.body.toString());
  }

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const saved = Number(/modeldock_response_compression_saved_bytes_total\{coding="gzip"\} (\d+)/.exec(metrics)?.[1]);
  assert.ok(saved >= plain.body.length - gzipped.body.length, `saved ${saved} bytes`);
});

test('small answers and answers to HEAD are never compressed; MODELDOCK_COMPRESSION=off never compresses', async (t) => {
  const server = await iris(t);
  const small = await one(server.port, post(ONE_ROW, 'gzip'));
  assert.equal(small.status, 200);
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(small.headers.vary, undefined);
  assert.deepEqual(JSON.parse(small.body.toString()).labels, ['setosa']);
  const health = await one(server.port, 'GET /healthz HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n');
  assert.equal(health.headers['content-encoding'], undefined);

  const spec = await one(server.port, 'GET /openapi.json HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n');
  assert.equal(spec.headers['content-encoding'], 'gzip');
  const head = await one(server.port, 'HEAD /openapi.json HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n', true);
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], undefined);
  assert.equal(Number(head.headers['content-length']), zlib.gunzipSync(spec.body).length, 'HEAD gives the plain length');

  const off = await iris(t, { MODELDOCK_COMPRESSION: 'off' });
  const r = await one(off.port, post(ROWS, 'gzip'));
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.vary, undefined);
  assert.equal(JSON.parse(r.body.toString()).labels.length, 200);
});

test('V2 binary outputs: compressed as one body; Inference-Header-Content-Length counts the inflated JSON header', async (t) => {
  const server = await iris(t);
  const rows = 300;
  const data = Buffer.alloc(rows * 4 * 4);
  for (let i = 0; i < rows; i++) [5.1, 3.5, 1.4, 0.2].forEach((v, j) => data.writeFloatLE(v + (i % 10) / 10, (i * 4 + j) * 4));
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [rows, 4], datatype: 'FP32', parameters: { binary_data_size: data.length } }], parameters: { binary_data_output: true } }));
  const body = Buffer.concat([header, data]);
  const head = (extra: string) => Buffer.from(`POST /v2/models/iris/infer HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nInference-Header-Content-Length: ${header.length}\r\nContent-Length: ${body.length}\r\n${extra}\r\n`);
  const plain = await one(server.port, Buffer.concat([head(''), body]));
  const packed = await one(server.port, Buffer.concat([head('Accept-Encoding: gzip\r\n'), body]));
  assert.equal(plain.status, 200);
  assert.equal(packed.headers['content-encoding'], 'gzip');
  assert.equal(packed.headers['inference-header-content-length'], plain.headers['inference-header-content-length']);
  const inflated = zlib.gunzipSync(packed.body);
  assert.deepEqual(inflated, plain.body);
  const jsonLength = Number(packed.headers['inference-header-content-length']);
  const meta = JSON.parse(inflated.subarray(0, jsonLength).toString());
  assert.equal(meta.outputs[0].parameters.binary_data_size, rows * 3 * 4);
  const probabilities = new Float32Array(inflated.buffer.slice(inflated.byteOffset + jsonLength, inflated.byteOffset + inflated.length));
  for (let i = 0; i < rows; i++) {
    const sum = probabilities[i * 3] + probabilities[i * 3 + 1] + probabilities[i * 3 + 2];
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${i} sums to ${sum}`);
  }
});

test('the clients users have: Python requests (asks for gzip on every call) and curl --compressed', async (t) => {
  const server = await iris(t);
  const script = [
    'import json, sys, requests',
    'r = requests.post(sys.argv[1] + "/predict", data=sys.stdin.read(), headers={"Content-Type": "application/json"})',
    'print(json.dumps([r.status_code, r.headers.get("Content-Encoding"), r.request.headers.get("Accept-Encoding"), r.json()["labels"]]))',
  ].join('\n');
  const py = spawnSync('/usr/bin/python3', ['-c', script, server.url], { input: ROWS, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const [status, encoding, asked, labels] = JSON.parse(py.stdout) as [number, string, string, string[]];
  assert.equal(status, 200);
  assert.match(asked, /gzip/);
  assert.equal(encoding, 'gzip');
  assert.equal(labels.length, 200);
  assert.ok(labels.includes('setosa') && labels.includes('virginica'), 'the rows span the classes');

  const curl = spawnSync('curl', ['-s', '--compressed', '-D', '-', `${server.url}/openapi.json`], { encoding: 'utf8', maxBuffer: 16 << 20 });
  assert.equal(curl.status, 0, curl.stderr);
  const [headers, text] = curl.stdout.split('\r\n\r\n');
  assert.match(headers, /content-encoding: gzip/i);
  assert.equal(JSON.parse(text).openapi.startsWith('3.'), true);
});
