import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { postJson, readJson, runToExit, startServer, tempDir, writeSlowModel } from './serving-support';

test('bad input gets 4xx with {"error"} naming the input and expected vs given; the server stays up', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env: { MODELDOCK_MAX_BODY_MB: '0.05' } });
  const u = server.url;
  const cases: Array<{ what: string; url: string; body: unknown; headers?: Record<string, string>; status: number; error: RegExp }> = [
    { what: 'bad JSON', url: '/predict', body: '{"instances": [[1, 2,', status: 400, error: /not valid JSON/ },
    { what: 'empty body', url: '/predict', body: '', status: 400, error: /body is empty/ },
    { what: 'not an object', url: '/predict', body: '[1, 2]', status: 400, error: /JSON object with "instances"/ },
    { what: 'empty instances', url: '/predict', body: { instances: [] }, status: 400, error: /non-empty list/ },
    { what: 'wrong width', url: '/predict', body: { instances: [[1, 2, 3, 4, 5]] }, status: 400, error: /Input "input" expects float32 \[batch, 4\]; got shape \[1, 5\] \(dimension 1 must be 4\)/ },
    { what: 'wrong rank', url: '/predict', body: { instances: [1, 2, 3, 4] }, status: 400, error: /Input "input" expects float32 \[batch, 4\]; got shape \[4\] \(1 dimension; the model takes 2\)/ },
    { what: 'lists nested 5000 deep', url: '/predict', body: `{"instances": ${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400, error: /^Input "input" expects float32 \[batch, 4\]; got shape \[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, … 5000 dimensions in all\] \(5000 dimensions; the model takes 2\)\.$/ },
    { what: 'ragged rows', url: '/predict', body: { instances: [[1, 2, 3, 4], [1, 2, 3]] }, status: 400, error: /Input "input": the value at \[1\] has 3 items where the first has 4/ },
    { what: 'text value', url: '/v1/models/iris:predict', body: { instances: [[1, 'tall', 3, 4]] }, status: 400, error: /Input "input" expects float32, but the value at \[0, 1\] does not fit: "tall" is not a number/ },
    { what: 'object value', url: '/predict', body: { instances: [[1, {}, 3, 4]] }, status: 400, error: /value at \[0, 1\]/ },
    { what: 'unknown input (rows)', url: '/v1/models/iris:predict', body: { instances: [{ petal: [1, 2, 3, 4] }] }, status: 400, error: /"petal", which is not an input of this model; its inputs are "input"/ },
    { what: 'both forms', url: '/v1/models/iris:predict', body: { instances: [[1, 2, 3, 4]], inputs: [[1, 2, 3, 4]] }, status: 400, error: /either "instances"/ },
    { what: 'V2 datatype', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] }, status: 400, error: /Input "input" expects datatype FP32; got INT64/ },
    { what: 'V2 unknown datatype', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FLOAT', data: [1, 2, 3, 4] }] }, status: 400, error: /"FLOAT", which is not a V2 datatype/ },
    { what: 'V2 shape vs data', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, status: 400, error: /shape \[2, 4\] needs 8 values but "data" holds 4/ },
    { what: 'V2 billion-element claim', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1000000000, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, status: 400, error: /shape \[1000000000, 4\] holds 4,000,000,000 values, more than the request can carry/ },
    { what: 'V2 fixed dim', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, status: 400, error: /expects float32 \[batch, 4\]; got shape \[1, 3\] \(dimension 1 must be 4\)/ },
    { what: 'V2 negative dim', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [-1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, status: 400, error: /whole numbers of 0 or more/ },
    { what: 'V2 unknown input', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, status: 400, error: /"x" is not an input of this model; its inputs are "input"/ },
    { what: 'V2 no inputs', url: '/v2/models/iris/infer', body: { inputs: [] }, status: 400, error: /"inputs" must be a non-empty list/ },
    { what: 'V2 unknown output', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'labels' }] }, status: 400, error: /"labels" is not an output of this model; its outputs are "probabilities"/ },
    { what: 'V2 id type', url: '/v2/models/iris/infer', body: { id: 7, inputs: [] }, status: 400, error: /"id" must be a string/ },
    { what: 'unknown model', url: '/v2/models/resnet/infer', body: { inputs: [] }, status: 404, error: /Model "resnet" is not served here; this server serves "iris"/ },
    { what: 'unknown version', url: '/v1/models/iris/versions/2:predict', body: { instances: [[1, 2, 3, 4]] }, status: 404, error: /no version "2"/ },
    { what: 'unknown route', url: '/predictions', body: {}, status: 404, error: /No route \/predictions/ },
    { what: 'CSV body', url: '/predict', body: '1,2,3,4', headers: { 'Content-Type': 'text/csv' }, status: 415, error: /Content-Type text\/csv is not accepted here; send application\/json/ },
    { what: 'image to a tabular model', url: '/predict', body: '\x89PNG\r\n\x1a\n0000', headers: { 'Content-Type': 'image/png' }, status: 415, error: /takes no image input/ },
    { what: 'V2 binary without header', url: '/v2/models/iris/infer', body: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, status: 400, error: /no Inference-Header-Content-Length/ },
    { what: 'bad b64', url: '/predict', body: '{"instances": [[{"b64": "!!"}, 1, 2, 3]]}', status: 400, error: /not base64/ },
  ];
  for (const c of cases) {
    const res = await postJson(u + c.url, c.body, c.headers);
    assert.equal(res.status, c.status, `${c.what}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(Object.keys(res.body), ['error'], c.what);
    assert.match(res.body.error, c.error, c.what);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, c.what);
  }

  // Binary tensor data: sizes are checked against shape x datatype before anything is allocated.
  const header = (size: number, shape = [1, 4]) => Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: size } }] }));
  const binary = async (head: Buffer, payload: Buffer, declared = head.length) => {
    const res = await fetch(`${u}/v2/models/iris/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(declared) }, body: Buffer.concat([head, payload]) });
    return { status: res.status, body: await readJson(res) };
  };
  let r = await binary(header(12), Buffer.alloc(12));
  assert.equal(r.status, 400);
  assert.match(r.body.error, /binary_data_size is 12 bytes but shape and datatype need 4 x 4 = 16/);
  r = await binary(header(16), Buffer.alloc(8));
  assert.match(r.body.error, /goes past the end of the body/);
  r = await binary(header(16), Buffer.alloc(20));
  assert.match(r.body.error, /4 bytes of binary data that no input claims/);
  r = await binary(header(16, [250000000, 4]), Buffer.alloc(16));
  assert.match(r.body.error, /binary_data_size is 16 bytes but shape and datatype need 1000000000 x 4/);
  r = await binary(header(16), Buffer.alloc(16), 999999);
  assert.match(r.body.error, /Inference-Header-Content-Length is 999999 but the body has only/);
  const badHeader = await fetch(`${u}/v2/models/iris/infer`, { method: 'POST', headers: { 'Inference-Header-Content-Length': 'ten' }, body: '{}' });
  assert.equal(badHeader.status, 400);

  // 405 with Allow; HEAD is allowed wherever GET is.
  const put = await fetch(`${u}/predict`, { method: 'PUT', body: '{}' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'POST');
  const postMetrics = await fetch(`${u}/metrics`, { method: 'POST' });
  assert.equal(postMetrics.status, 405);
  assert.equal(postMetrics.headers.get('allow'), 'GET, HEAD');

  // 413: refused from Content-Length without reading, and while streaming a chunked body.
  const big = JSON.stringify({ instances: Array.from({ length: 4000 }, () => [5.1, 3.5, 1.4, 0.2]) });
  const tooBig = await postJson(`${u}/predict`, big);
  assert.equal(tooBig.status, 413);
  assert.match(tooBig.body.error, /larger than this server accepts \(51\.2 KB\)/);
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${u}/predict`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    // Far more than the limit, in small chunks; the server answers before it has all of it.
    let sent = 0;
    const pump = () => {
      while (sent < 2_000_000) {
        sent += 16384;
        if (!req.write(Buffer.alloc(16384, 0x20))) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
  assert.equal(chunked.status, 413);

  // Hostile nesting and odd requests do not take the process down.
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  assert.equal((await postJson(`${u}/predict`, `{"instances": ${deep}}`)).status, 400);
  assert.equal((await postJson(`${u}/predict`, '{"instances": [[1e400, 2, 3, 4]]}')).status, 200, 'JSON Infinity is a valid float');
  assert.equal((await fetch(`${u}/%E0%A4%A`)).status, 404);
  assert.equal((await fetch(`${u}/healthz`)).status, 200);
  assert.equal(server.child.exitCode, null);
  assert.ok(!server.logs.some((l) => l.level === 'error'), `no server faults: ${JSON.stringify(server.logs.filter((l) => l.level === 'error'))}`);
});

test('compressed bodies (Content-Encoding gzip or deflate, as Triton clients send them) are read; bombs and unknown codings are refused', async (t) => {
  const zlib = await import('node:zlib');
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env: { MODELDOCK_MAX_BODY_MB: '1' } });
  const rows = { instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] };
  const plain = await postJson(`${server.url}/predict`, rows);
  assert.equal(plain.status, 200);
  const send = (url: string, body: Buffer, headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  for (const [encoding, pack] of [['gzip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['deflate', zlib.deflateRawSync]] as const) {
    const res = await send(`${server.url}/predict`, pack(Buffer.from(JSON.stringify(rows))), { 'Content-Encoding': encoding });
    assert.equal(res.status, 200, `${encoding} (${pack.name})`);
    assert.deepEqual(((await res.json()) as { predictions: unknown }).predictions, plain.body.predictions);
  }
  // V2 binary, compressed whole: Inference-Header-Content-Length counts the uncompressed JSON header.
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }));
  const v2 = await fetch(`${server.url}/v2/models/iris/infer`, {
    method: 'POST',
    headers: { 'Content-Encoding': 'gzip', 'Inference-Header-Content-Length': String(header.length) },
    body: zlib.gzipSync(Buffer.concat([header, Buffer.from(new Float32Array([5.1, 3.5, 1.4, 0.2]).buffer)])),
  });
  assert.equal(v2.status, 200);
  const v2Scores = ((await v2.json()) as { outputs: Array<{ data: number[] }> }).outputs[0].data;
  (plain.body.predictions as number[][])[0].forEach((v, i) => assert.ok(Math.abs(v - v2Scores[i]) < 1e-6, `score ${i}`));

  const unknown = await send(`${server.url}/predict`, Buffer.from(JSON.stringify(rows)), { 'Content-Encoding': 'br' });
  assert.equal(unknown.status, 415);
  assert.match(((await unknown.json()) as { error: string }).error, /Content-Encoding br is not accepted; send the body uncompressed, or compressed with gzip or deflate/);
  const corrupt = await send(`${server.url}/predict`, Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' });
  assert.equal(corrupt.status, 400);
  assert.match(((await corrupt.json()) as { error: string }).error, /not valid gzip data/);
  // 900 KB of spaces compress to about 1 KB: far beyond 32 times, so refused while inflating, not held.
  const bomb = zlib.gzipSync(Buffer.concat([Buffer.from('{"instances": [[1, 2, 3, 4]]'), Buffer.alloc(900 * 1024, ' '), Buffer.from('}')]));
  const bombed = await send(`${server.url}/predict`, bomb, { 'Content-Encoding': 'gzip' });
  assert.equal(bombed.status, 413);
  assert.match(((await bombed.json()) as { error: string }).error, /The gzip body expands beyond [\d.]+ KB \(at most 32 times its compressed size/);
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
});

test('a full queue answers 503 with Retry-After; a slow answer is 504; both leave the server serving', async (t) => {
  const dir = tempDir(t);
  const slow = writeSlowModel(dir, 600);
  // One session, so a second request waits behind the heavy one (side by side it would run on a narrow session).
  const server = await startServer(t, { args: ['--model', slow], env: { MODELDOCK_MAX_QUEUE: '1', MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_REQUEST_TIMEOUT_MS: '400', MODELDOCK_SIDE_BY_SIDE: 'off' } });
  const rows = (n: number) => ({ instances: Array.from({ length: n }, () => Array.from({ length: 512 }, (_, k) => (k % 7) / 7)) });
  // Size the slow request from the fastest of a few measured ones (a loaded machine only makes the real request
  // slower): about two seconds of work, far past the 400 ms limit.
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    const probe = await postJson(`${server.url}/predict`, rows(32));
    assert.equal(probe.status, 200);
    fastest = Math.min(fastest, Date.now() - started);
  }
  const heavy = Math.min(4000, Math.ceil((32 * 2000) / Math.max(1, fastest)));

  // Each step waits for the server to report the state it needs (a big body takes a while to arrive and parse).
  const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? NaN);
  const until = async (what: string, ok: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i++) { if (await ok()) return; await new Promise((r) => setTimeout(r, 10)); }
    assert.fail(`the server never reported ${what}`);
  };
  // A request leaving the queue for an inference thread is counted in the queue-time histogram.
  const dispatched = () => gauge('modeldock_queue_duration_seconds_count');
  const before = await dispatched();
  const running = postJson(`${server.url}/predict`, rows(heavy));
  await until('the heavy request running', async () => (await dispatched()) > before);
  const waiting = postJson(`${server.url}/predict`, rows(1));
  await until('one request waiting', async () => (await gauge('modeldock_queue_depth')) === 1);
  const refused = await postJson(`${server.url}/predict`, rows(1));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.match(refused.body.error, /at capacity \(1 requests waiting\)/);
  const timedOut = await running;
  assert.equal(timedOut.status, 504, `${heavy} rows took longer than 400 ms`);
  assert.match(timedOut.body.error, /did not answer within 400 ms/);
  assert.ok([200, 504].includes((await waiting).status));
  // Live and ready throughout, and answering again once the queue drains.
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  await new Promise((r) => setTimeout(r, 200));
  let again = await postJson(`${server.url}/predict`, rows(1));
  for (let i = 0; i < 20 && again.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
    again = await postJson(`${server.url}/predict`, rows(1));
  }
  assert.equal(again.status, 200);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /modeldock_requests_total\{route="\/predict",method="POST",status="503"\} 1/);
  assert.match(metrics, /modeldock_rejected_requests_total 1/);
});

test('configuration errors exit 2 with a JSON error line and one plain sentence on stderr', async (t) => {
  const fixtures = await ensureFixtures();
  const dir = tempDir(t);
  const write = (name: string, text: string) => { const file = path.join(dir, name); fs.writeFileSync(file, text); return file; };
  const iris = path.join(fixtures, 'iris.onnx');
  const cases: Array<{ what: string; args: string[]; env?: Record<string, string>; stderr: RegExp }> = [
    { what: 'nothing to serve', args: [], stderr: /Nothing to serve: give --config FILE/ },
    { what: 'bad JSON', args: ['--config', write('bad.json', '{"model": ')], stderr: /is not valid JSON/ },
    { what: 'missing config', args: ['--config', path.join(dir, 'none.json')], stderr: /none\.json does not exist/ },
    { what: 'schema error with key path', args: ['--config', write('schema.json', JSON.stringify({ model: { path: iris, name: 'iris' }, serving: { maxBatchSize: 0 } }))], stderr: /serving\.maxBatchSize: Number must be greater than or equal to 1/ },
    { what: 'unknown key', args: ['--config', write('typo.json', JSON.stringify({ model: { path: iris, name: 'iris' }, serving: { maxBatch: 4 } }))], stderr: /serving: unknown key "maxBatch"/ },
    { what: 'model missing', args: ['--config', write('gone.json', JSON.stringify({ model: { path: 'gone.onnx', name: 'gone' } }))], stderr: /The model file .*gone\.onnx does not exist/ },
    { what: 'model fails to load', args: ['--model', path.join(fixtures, 'text.onnx')], stderr: /ONNX Runtime cannot load .*text\.onnx/ },
    { what: 'bad env number', args: ['--model', iris], env: { MODELDOCK_THREADS: 'many' }, stderr: /MODELDOCK_THREADS="many" is not a number/ },
    { what: 'env out of range', args: ['--model', iris], env: { MODELDOCK_MAX_BATCH_SIZE: '0' }, stderr: /MODELDOCK_MAX_BATCH_SIZE="0" is not valid/ },
    { what: 'bad log level', args: ['--model', iris], env: { MODELDOCK_LOG_LEVEL: 'loud' }, stderr: /MODELDOCK_LOG_LEVEL="loud" is not valid/ },
    { what: 'bad port', args: ['--model', iris, '--port', '99999'], stderr: /--port=99999 is out of range/ },
    { what: 'unknown flag', args: ['--modle', iris], stderr: /Unknown argument "--modle"/ },
  ];
  for (const c of cases) {
    const r = runToExit(c.args, c.env);
    assert.equal(r.code, 2, `${c.what}: ${r.stderr}`);
    assert.match(r.stderr, c.stderr, c.what);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${c.what}: one line on stderr`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(last.level, 'error', c.what);
    assert.equal(last.event, 'config-error');
    assert.ok(last.error, c.what);
  }
  const used = await startServer(t, { args: ['--model', iris] });
  const clash = runToExit(['--model', iris, '--port', String(used.port)]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /already in use/);
});
