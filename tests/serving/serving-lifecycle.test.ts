import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { postJson, readJson, startServer, tempDir, waitFor, writeSlowModel } from './serving-support';

const slowRows = (n: number) => ({ instances: Array.from({ length: n }, () => Array.from({ length: 512 }, (_, k) => (k % 5) / 5)) });

/** Rows of the slow model that take about `ms` to compute, measured on this machine. */
/** Rows for about `ms` of work, sized from the fastest of three probes (a loaded machine only slows the real one). */
async function rowsFor(url: string, ms: number): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    assert.equal((await postJson(`${url}/predict`, slowRows(32))).status, 200);
    fastest = Math.min(fastest, Date.now() - started);
  }
  return Math.min(4000, Math.ceil((32 * ms) / Math.max(1, fastest)));
}

test('SIGTERM: readiness drops at once, new requests get 503 + Connection: close, the request in flight completes, exit 0', async (t) => {
  const dir = tempDir(t);
  // A deep model and a long request (~2.5 s), so the checks below run while it is still in flight even when other
  // test files load the machine.
  const server = await startServer(t, { args: ['--model', writeSlowModel(dir, 600)] });
  const heavy = await rowsFor(server.url, 2500);
  const inFlight = postJson(`${server.url}/predict`, slowRows(heavy));
  await new Promise((r) => setTimeout(r, 150));
  server.child.kill('SIGTERM');
  await waitFor(() => server.logs.some((l) => l.event === 'shutdown'), 'the shutdown log line');

  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.deepEqual(await readJson(ready), { status: 'shutting down' });
  assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 503);
  const refused = await postJson(`${server.url}/predict`, slowRows(1));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('connection'), 'close');
  assert.match(refused.body.error, /shutting down/);

  const done = await inFlight;
  assert.equal(done.status, 200, 'the request in flight completes');
  assert.equal(done.body.predictions.length, heavy);
  assert.equal(done.body.predictions[0].length, 512);
  assert.equal(await server.exited, 0);
  const last = server.logs.filter((l) => l.event === 'shutdown').pop()!;
  assert.equal(last.drained, true);
  assert.equal(last.signal, 'SIGTERM');
});

test('the grace period bounds shutdown: unfinished work is abandoned and the process ends as SIGKILL would', async (t) => {
  const dir = tempDir(t);
  const server = await startServer(t, { args: ['--model', writeSlowModel(dir)], env: { MODELDOCK_GRACE_SECONDS: '0.3' } });
  const heavy = await rowsFor(server.url, 3000);
  const inFlight = postJson(`${server.url}/predict`, slowRows(heavy)).catch(() => null);
  await new Promise((r) => setTimeout(r, 150));
  const signalled = Date.now();
  server.child.kill('SIGINT');
  assert.equal(await server.exited, 'SIGKILL');
  assert.doesNotMatch(server.stderr(), /terminate called|Aborted/);
  assert.ok(Date.now() - signalled < 5000, `exited ${Date.now() - signalled} ms after the signal`);
  await inFlight;
  const last = server.logs.filter((l) => l.event === 'shutdown').pop()!;
  assert.equal(last.drained, false);
});

test('/metrics passes promtool check metrics and carries the agreed families', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')] });
  await postJson(`${server.url}/predict`, { instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] });
  await postJson(`${server.url}/predict`, { instances: [[1, 2]] });
  await postJson(`${server.url}/v2/models/iris/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.9, 3, 4.2, 1.5] }] });
  await fetch(`${server.url}/nowhere`);
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  for (const family of ['modeldock_requests_total', 'modeldock_request_duration_seconds', 'modeldock_queue_duration_seconds', 'modeldock_inference_duration_seconds',
    'modeldock_batch_size', 'modeldock_in_flight_requests', 'modeldock_queue_depth', 'modeldock_model_load_seconds', 'modeldock_predictions_total',
    'modeldock_model_info', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds']) {
    assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
  }
  assert.match(text, /^modeldock_requests_total\{route="\/predict",method="POST",status="200"\} 1$/m);
  assert.match(text, /^modeldock_requests_total\{route="\/predict",method="POST",status="400"\} 1$/m);
  assert.match(text, /^modeldock_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
  assert.match(text, /^modeldock_predictions_total\{class="setosa"\} 1$/m);
  assert.match(text, /^modeldock_predictions_total\{class="virginica"\} 1$/m);
  assert.match(text, /^modeldock_predictions_total\{class="versicolor"\} 1$/m);
  assert.match(text, /^modeldock_model_info\{name="iris",version="1"\} 1$/m);
  assert.match(text, /^modeldock_request_duration_seconds_bucket\{route="\/predict",le="\+Inf"\} 2$/m);
  assert.match(text, /^modeldock_ready 1$/m);

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (promtool.error) {
    t.skip('promtool is not installed (Debian: apt-get install prometheus); the exposition checks above still ran');
    return;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-metrics-')), 'metrics.txt');
  fs.writeFileSync(file, text);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'no lint findings');
});

test('dynamic batching merges concurrent requests; maxBatchSize 1 turns it off; threads stay within the CPU budget', async (t) => {
  const fixtures = await ensureFixtures();
  const model = path.join(fixtures, 'iris.onnx');
  const burst = async (url: string) => {
    const answers = await Promise.all(Array.from({ length: 48 }, (_, i) => postJson(`${url}/predict`, { instances: [[4 + (i % 4), 3, 1 + (i % 6), 0.2 + (i % 3)]] })));
    assert.ok(answers.every((a) => a.status === 200 && a.body.predictions.length === 1));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const sum = Number(/^modeldock_batch_size_sum (\S+)$/m.exec(metrics)![1]);
    const count = Number(/^modeldock_batch_size_count (\S+)$/m.exec(metrics)![1]);
    return { sum, count, answers };
  };
  // A batching delay makes the merge certain even on a busy machine.
  const batched = await startServer(t, { args: ['--model', model], env: { MODELDOCK_MAX_BATCH_DELAY_MS: '25', MODELDOCK_MAX_BATCH_SIZE: '16' } });
  const b = await burst(batched.url);
  assert.ok(b.count < 48, `48 requests ran in ${b.count} model calls`);
  assert.ok(b.sum >= 48);
  const upTo16 = Number(/^modeldock_batch_size_bucket\{le="16"\} (\S+)$/m.exec(await (await fetch(`${batched.url}/metrics`)).text())![1]);
  assert.equal(upTo16, b.count, 'no call ran more than maxBatchSize rows');

  // Inference threads asked for explicitly: iris is small enough to run on the server thread otherwise.
  const single = await startServer(t, { args: ['--model', model], env: { MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_THREADS: '1', MODELDOCK_INFERENCE: 'threads' } });
  const s = await burst(single.url);
  assert.equal(s.count, s.sum, 'every call ran one row');
  // The same answers either way.
  b.answers.forEach((a, i) => assert.deepEqual(a.body.predictions, s.answers[i].body.predictions));
  const ready = single.logs.find((l) => l.event === 'ready')!;
  assert.equal(ready.intraOpThreads, 1);
  assert.equal(ready.workers, 1);

  const capped = await startServer(t, { args: ['--model', model], env: { MODELDOCK_THREADS: '256', MODELDOCK_INFERENCE: 'threads' } });
  const info = capped.logs.find((l) => l.event === 'ready')!;
  assert.ok((info.workers as number) * (info.intraOpThreads as number) <= os.availableParallelism());
  assert.ok(capped.logs.some((l) => l.event === 'threads-capped' && l.level === 'warn'));
});

test('a tiny model runs on the server thread, a heavier one in inference threads; MODELDOCK_INFERENCE=threads forces threads', async (t) => {
  const fixtures = await ensureFixtures();
  const readyOf = async (model: string, env: Record<string, string> = {}) => {
    const server = await startServer(t, { args: ['--model', path.join(fixtures, model)], env });
    const ready = server.logs.find((l) => l.event === 'ready')!;
    const answer = await fetch(`${server.url}/healthz`);
    assert.equal(answer.status, 200);
    return { ready, server };
  };
  const tiny = await readyOf('iris.onnx');
  assert.match(String(tiny.ready.inference), /^server thread \(a 32-row run takes [\d.]+ ms.*; ONNX Runtime called synchronously\)$/);
  assert.equal(tiny.ready.workers, 0);
  const answer = await postJson(`${tiny.server.url}/predict`, { instances: [[5.1, 3.5, 1.4, 0.2]] });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.predictions.length, 1);

  // The public-API fallback answers the same.
  const fallback = await readyOf('iris.onnx', { MODELDOCK_ORT_SYNC: '0' });
  assert.match(String(fallback.ready.inference), /^server thread .*through the public session API/);
  const again = await postJson(`${fallback.server.url}/predict`, { instances: [[5.1, 3.5, 1.4, 0.2]] });
  assert.deepEqual(again.body, answer.body);

  const forced = await readyOf('iris.onnx', { MODELDOCK_INFERENCE: 'threads' });
  assert.match(String(forced.ready.inference), /MODELDOCK_INFERENCE=threads/);
  assert.equal(forced.ready.workers, 1);

  // The small CNN fixture with batches of up to 512 rows: far over the line whatever the machine.
  const heavy = await readyOf('cnn.onnx', { MODELDOCK_MAX_BATCH_SIZE: '512' });
  assert.match(String(heavy.ready.inference), /^inference threads \(a \d+-row run takes [\d.]+ ms\)/);
  assert.ok((heavy.ready.workers as number) >= 1);
});
