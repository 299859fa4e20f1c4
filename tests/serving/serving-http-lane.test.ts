/**
 * The runtime's fast lane (resources/serving/src/fast-lane.ts) on real sockets: what it reads itself, what it hands
 * to node:http, and that both give the same answers. Requests are written byte for byte (tests/support/raw-http.ts),
 * because the cases that matter (pipelining, split packets, odd framing) are the ones client libraries hide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { postBytes, rawHttp, type RawResponse } from '../support/raw-http';
import { startServer, tempDir, type RunningServer } from './serving-support';

const ROW = JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] });
const V2 = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [6.7, 3.0, 5.2, 2.3] }] });
const get = (p: string, extra = '') => `GET ${p} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
const json = (r: RawResponse) => JSON.parse(r.body.toString());

async function iris(t: Parameters<typeof startServer>[0], env: Record<string, string> = {}): Promise<RunningServer> {
  const fixtures = await ensureFixtures();
  return startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env });
}

test('pipelined requests on one connection are answered in order, each once', async (t) => {
  const server = await iris(t);
  const stream = postBytes('/predict', ROW) + get('/healthz') + postBytes('/v2/models/iris/infer', V2) + get('/nowhere') + postBytes('/predict', ROW);
  const { responses, closed } = await rawHttp(server.port, [stream], { answers: 5, closeWaitMs: 100 });
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 404, 200]);
  assert.deepEqual(json(responses[0]).labels, ['setosa']);
  assert.deepEqual(json(responses[1]), { status: 'live' });
  assert.equal(json(responses[2]).outputs[0].shape.join(), '1,3');
  assert.match(json(responses[3]).error, /No route \/nowhere/);
  assert.deepEqual(json(responses[4]), json(responses[0]));
  assert.equal(closed, false, 'the connection stays open for more');
  assert.equal(new Set(responses.map((r) => r.headers['x-request-id'])).size, 5);
  assert.match(String(server.logs.find((l) => l.event === 'listening')?.http), /fast lane/);
});

test('a head and body cut into tiny packets, arriving slowly, are read whole', async (t) => {
  const server = await iris(t);
  const bytes = Buffer.from(postBytes('/predict', ROW) + postBytes('/predict', ROW));
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 7) pieces.push(bytes.subarray(at, at + 7));
  const { responses } = await rawHttp(server.port, pieces, { answers: 2, gapMs: 1, timeoutMs: 10000 });
  assert.deepEqual(responses.map((r) => r.status), [200, 200]);
  assert.deepEqual(json(responses[0]).labels, ['setosa']);
  assert.deepEqual(json(responses[1]).labels, ['setosa']);
});

test('framing the lane does not take goes to node:http on the same connection, in order: chunked bodies', async (t) => {
  const server = await iris(t);
  const chunked = `POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`
    + `${ROW.length.toString(16)}\r\n${ROW}\r\n0\r\n\r\n`;
  const { responses } = await rawHttp(server.port, [postBytes('/predict', ROW) + chunked + postBytes('/predict', ROW) + get('/healthz')], { answers: 4 });
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200]);
  for (const r of responses.slice(0, 3)) assert.deepEqual(json(r).labels, ['setosa']);
  const metrics = await rawHttp(server.port, [get('/metrics')], { answers: 1 });
  assert.match(metrics.responses[0].body.toString(), /^modeldock_http_handed_to_node_total 1$/m);
});

test('HTTP/1.0 (ab, nginx to its upstreams) is answered by the lane as node:http answers it: closed unless kept alive', async (t) => {
  const [fast, plain] = await Promise.all([iris(t), iris(t, { MODELDOCK_FAST_LANE: 'off' })]);
  const post = (extra: string) => `POST /predict HTTP/1.0\r\nContent-Type: application/json\r\n${extra}Content-Length: ${ROW.length}\r\n\r\n${ROW}`;
  const cases: Array<{ what: string; bytes: string; answers: number; closes: boolean }> = [
    { what: 'no Host, no Connection', bytes: post(''), answers: 1, closes: true },
    { what: 'keep-alive, three pipelined', bytes: post('Connection: Keep-Alive\r\n').repeat(2) + `GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`, answers: 3, closes: false },
    { what: 'keep-alive, then one that does not ask', bytes: post('Connection: keep-alive\r\nHost: h\r\n') + post(''), answers: 2, closes: true },
    { what: 'HEAD', bytes: 'HEAD /healthz HTTP/1.0\r\n\r\n', answers: 1, closes: true },
  ];
  const shape = (r: RawResponse) => ({ status: r.status, headers: Object.entries(r.headers).filter(([h]) => h !== 'date' && h !== 'x-request-id').sort(), body: r.body.toString() });
  for (const c of cases) {
    const bodiless = c.what === 'HEAD' ? [0] : [];
    const [a, b] = await Promise.all([fast, plain].map((s) => rawHttp(s.port, [c.bytes], { answers: c.answers, closeWaitMs: 300, bodiless })));
    assert.equal(a.responses.length, c.answers, c.what);
    assert.deepEqual(a.responses.map(shape), b.responses.map(shape), c.what);
    assert.equal(a.closed, c.closes, `${c.what}: closed`);
    assert.equal(b.closed, c.closes, `${c.what}: node:http closed`);
  }
  assert.deepEqual(json((await rawHttp(fast.port, [post('')], { answers: 1 })).responses[0]).labels, ['setosa']);
  // The lane read every one of them itself.
  const metrics = await rawHttp(fast.port, [get('/metrics')], { answers: 1 });
  assert.match(metrics.responses[0].body.toString(), /^modeldock_http_handed_to_node_total 0$/m);
});

test('ambiguous or malformed heads are refused by node:http, never read two ways', async (t) => {
  const server = await iris(t);
  // A request smuggled inside a body whose length two parsers could disagree on must not be answered.
  const smuggled = get('/metrics');
  const both = `POST /predict HTTP/1.1\r\nHost: test\r\nContent-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`;
  const cases: Array<{ what: string; bytes: string; status: number }> = [
    { what: 'Content-Length and Transfer-Encoding', bytes: both, status: 400 },
    { what: 'two different Content-Lengths', bytes: `POST /predict HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{"a":1}`, status: 400 },
    { what: 'space before the colon', bytes: `GET /healthz HTTP/1.1\r\nHost : test\r\n\r\n`, status: 400 },
    { what: 'folded header', bytes: `GET /healthz HTTP/1.1\r\nHost: test\r\nX-A: 1\r\n 2\r\n\r\n`, status: 400 },
    { what: 'no Host', bytes: `GET /healthz HTTP/1.1\r\n\r\n`, status: 400 },
    { what: 'a 20 KB head', bytes: get('/healthz', `X-Big: ${'a'.repeat(20 * 1024)}\r\n`), status: 431 },
    { what: 'not HTTP', bytes: 'HELLO THERE\r\n\r\n', status: 400 },
  ];
  for (const c of cases) {
    const { responses, closed } = await rawHttp(server.port, [c.bytes], { answers: 1, closeWaitMs: 1000 });
    assert.equal(responses.length, 1, `${c.what}: one answer, nothing smuggled`);
    assert.equal(responses[0].status, c.status, c.what);
    assert.equal(closed, true, `${c.what}: the connection is closed`);
  }
  const ok = await rawHttp(server.port, [postBytes('/predict', ROW)], { answers: 1 });
  assert.equal(ok.responses[0].status, 200, 'and the server keeps answering');
});

test('Expect: 100-continue gets 100 Continue before the body; HEAD gets headers only; Connection: close closes', async (t) => {
  const server = await iris(t);
  const head = `POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${ROW.length}\r\nExpect: 100-continue\r\n\r\n`;
  const expect = await rawHttp(server.port, [head, ROW], { answers: 1, gapMs: 300 });
  assert.deepEqual(expect.responses.map((r) => r.status), [100, 200]);
  assert.deepEqual(json(expect.responses[1]).labels, ['setosa']);

  const heads = await rawHttp(server.port, [`HEAD / HTTP/1.1\r\nHost: test\r\n\r\n${get('/healthz')}`], { answers: 2, bodiless: [0] });
  assert.deepEqual(heads.responses.map((r) => r.status), [200, 200]);
  assert.ok(Number(heads.responses[0].headers['content-length']) > 100, 'HEAD says how long GET / is');
  assert.equal(heads.responses[0].body.length, 0);
  assert.deepEqual(json(heads.responses[1]), { status: 'live' });

  const closing = await rawHttp(server.port, [postBytes('/predict', ROW, 'Connection: close\r\n')], { answers: 1, closeWaitMs: 2000 });
  assert.equal(closing.responses[0].status, 200);
  assert.equal(closing.responses[0].headers.connection, 'close');
  assert.equal(closing.closed, true);
});

test('a body over the limit gets its 413 before the close (no reset); slow heads get 408', async (t) => {
  const server = await iris(t, { MODELDOCK_MAX_BODY_MB: '0.05', MODELDOCK_REQUEST_TIMEOUT_MS: '1000' });
  const big = JSON.stringify({ instances: Array.from({ length: 4000 }, () => [5.1, 3.5, 1.4, 0.2]) });
  const refused = await rawHttp(server.port, [postBytes('/predict', big)], { answers: 1, closeWaitMs: 3000 });
  assert.equal(refused.responses[0]?.status, 413);
  assert.match(json(refused.responses[0]).error, /larger than this server accepts/);
  assert.equal(refused.closed, true);

  const started = Date.now();
  const slow = await rawHttp(server.port, ['POST /predict HTTP/1.1\r\nHost: te'], { answers: 1, timeoutMs: 8000, closeWaitMs: 1000 });
  assert.equal(slow.responses[0]?.status, 408);
  assert.equal(slow.closed, true);
  assert.ok(Date.now() - started < 6000, 'within the headers timeout and one check interval');

  const halfBody = await rawHttp(server.port, [postBytes('/predict', ROW).slice(0, -10)], { answers: 1, timeoutMs: 8000, closeWaitMs: 4000 });
  assert.ok([408, 504].includes(halfBody.responses[0]?.status), `a body that never completes is answered (${halfBody.responses[0]?.status})`);
  assert.equal(halfBody.closed, true, 'and its connection closed');
  const ok = await rawHttp(server.port, [postBytes('/predict', ROW)], { answers: 1 });
  assert.equal(ok.responses[0].status, 200);
});

test('with MODELDOCK_FAST_LANE=off node:http gives the same answers, statuses and headers', async (t) => {
  const [fast, plain] = await Promise.all([iris(t), iris(t, { MODELDOCK_FAST_LANE: 'off' })]);
  assert.match(String(plain.logs.find((l) => l.event === 'listening')?.http), /^node:http$/);
  const requests = [
    postBytes('/predict', ROW),
    postBytes('/v1/models/iris:predict', JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] })),
    postBytes('/v2/models/iris/infer', V2),
    postBytes('/predict', '{"instances": [[1, 2'),
    postBytes('/predict', ROW, 'Content-Encoding: br\r\n'),
    get('/predict'),
    get('/v2/models/other'),
    get('/openapi.json'),
    `HEAD /healthz HTTP/1.1\r\nHost: test\r\n\r\n`,
  ];
  const bodiless = [requests.length - 1];
  const [a, b] = await Promise.all([fast, plain].map((s) => rawHttp(s.port, [requests.join('')], { answers: requests.length, bodiless })));
  const shape = (r: RawResponse) => ({
    status: r.status,
    headers: Object.keys(r.headers).filter((h) => h !== 'date').sort(),
    type: r.headers['content-type'],
    allow: r.headers.allow,
    body: r.body.toString(),
  });
  assert.equal(a.responses.length, requests.length);
  assert.deepEqual(a.responses.map(shape), b.responses.map(shape));
});

test('mutated heads get the answer node:http gives them (differential fuzz, 600 cases)', async (t) => {
  const [fast, plain] = await Promise.all([iris(t), iris(t, { MODELDOCK_FAST_LANE: 'off' })]);
  const base = `POST /predict?x=1 HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nX-Request-Id: abc\r\nContent-Length: ${ROW.length}\r\n\r\n${ROW}`;
  const pieces = ['\r', '\n', ' ', '\t', ':', '\0', '\x7f', '\xe9', 'a', '0', '/', '?', '%', ',', 'chunked', 'Transfer-Encoding: chunked\r\n',
    'Content-Length: 3\r\n', 'Connection: close\r\n', 'Expect: x\r\n', 'HTTP/1.0', '..', '%2e'];
  let seed = 20261129;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const mutate = () => {
    let s = base;
    for (let k = 1 + rand(3); k > 0; k--) {
      const at = rand(s.indexOf('\r\n\r\n') + 4);
      const op = rand(3);
      if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + rand(3));
      else s = s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(op === 1 ? at : at + 1);
    }
    return Buffer.from(s, 'latin1');
  };
  const statuses = (r: { responses: RawResponse[]; closed: boolean }) => r.responses.filter((x) => x.status >= 200).map((x) => x.status);
  const differences: string[] = [];
  for (let i = 0; i < 600; i++) {
    const bytes = mutate();
    const [a, b] = await Promise.all([fast, plain].map((s) => rawHttp(s.port, [bytes], { answers: 1, timeoutMs: 1500, closeWaitMs: 50 })));
    const [sa, sb] = [statuses(a), statuses(b)];
    assert.ok(sa.every((s) => s < 500), `no 5xx: ${JSON.stringify(bytes.toString('latin1'))} got ${sa}`);
    // One difference is expected: a head that lost its Content-Length leaves the body to be read as the next
    // request. The lane answers the first request and then refuses the rest; node:http may drop the first answer.
    const same = sa.join() === sb.join() || (sb.length > 0 && (sa.join().startsWith(`${sb.join()},`) || (sb.length === 1 && sa[sa.length - 1] === sb[0])));
    if (!same) differences.push(`${JSON.stringify(bytes.toString('latin1'))}: fast lane ${sa.join() || 'nothing'}, node:http ${sb.join() || 'nothing'}`);
  }
  assert.deepEqual(differences, []);
  const ok = await rawHttp(fast.port, [postBytes('/predict', ROW)], { answers: 1 });
  assert.equal(ok.responses[0].status, 200, 'and the server keeps answering');
});

test('a client that pipelines without reading the answers is not read further: answers do not pile up in memory', async (t) => {
  const server = await iris(t);
  const rss = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]);
  };
  const openapi = Buffer.byteLength(await (await fetch(`${server.url}/openapi.json`)).text());
  const before = await rss();
  const socket = net.connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.pause();
  const count = 20000;
  // All of it would be count x the OpenAPI document if the server kept answering into a connection nobody reads.
  const flood = Buffer.from(get('/openapi.json').repeat(count));
  socket.write(flood);
  await new Promise((r) => setTimeout(r, 1500));
  const grown = (await rss()) - before;
  socket.destroy();
  // Measured: about 10 MB when reading stops, about 60 MB when the server answers on regardless.
  assert.ok(grown < 30e6, `RSS grew ${Math.round(grown / 1e6)} MB (the answers would be ${Math.round((count * openapi) / 1e6)} MB)`);
  const ok = await rawHttp(server.port, [postBytes('/predict', ROW)], { answers: 1 });
  assert.equal(ok.responses[0].status, 200, 'and the server keeps answering');
});

test('the clients users have: curl (Expect: 100-continue past 1 MB) and a Python requests session (keep-alive)', async (t) => {
  const server = await iris(t);
  const file = path.join(tempDir(t), 'rows.json');
  fs.writeFileSync(file, JSON.stringify({ instances: Array.from({ length: 80000 }, () => [6.7, 3.0, 5.2, 2.3]) }));
  const curl = spawnSync('curl', ['-sv', '-H', 'Content-Type: application/json', '--data-binary', `@${file}`, `${server.url}/predict`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(curl.status, 0, curl.stderr);
  assert.match(curl.stderr, /> Expect: 100-continue/, 'curl asked before sending the body');
  assert.match(curl.stderr, /< HTTP\/1\.1 100 Continue/);
  const answer = JSON.parse(curl.stdout);
  assert.equal(answer.labels.length, 80000);
  assert.ok(answer.labels.every((l: string) => l === 'virginica'));

  const script = [
    'import json, sys, requests',
    's = requests.Session()',
    'out = []',
    'for i in range(50):',
    '    r = s.post(sys.argv[1] + "/predict", json={"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]})',
    '    out.append([r.status_code, r.json()["labels"], r.headers.get("Connection")])',
    'print(json.dumps(out))',
  ].join('\n');
  const py = spawnSync('/usr/bin/python3', ['-c', script, server.url], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const answers = JSON.parse(py.stdout) as Array<[number, string[], string]>;
  assert.equal(answers.length, 50);
  for (const [status, labels, connection] of answers) {
    assert.equal(status, 200);
    assert.deepEqual(labels, ['setosa', 'virginica']);
    assert.equal(connection, 'keep-alive');
  }
});
