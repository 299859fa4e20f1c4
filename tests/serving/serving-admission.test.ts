import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postJson, startServer, tempDir, writeSlowModel, type RunningServer } from './serving-support';

/**
 * What the server does with requests it cannot start yet: bodies beyond the buffered-body budget stay unread until
 * there is room, and a request whose client hangs up leaves the queue without costing a model run.
 */
const WIDTH = 512;

function metricValue(text: string, pattern: RegExp): number {
  return Number(pattern.exec(text)?.[1] ?? NaN);
}

async function metrics(server: RunningServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`the server never reported ${what}`);
}

const rows = (n: number) => ({ instances: Array.from({ length: n }, () => Array.from({ length: WIDTH }, (_, k) => (k % 7) / 7)) });

/** V2 binary request of `n` rows: exactly n x 2 KB of tensor data after the JSON header. */
function binaryRequest(n: number): { headers: Record<string, string>; body: Buffer } {
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [n, WIDTH], datatype: 'FP32', parameters: { binary_data_size: n * WIDTH * 4 } }] }));
  const data = new Float32Array(n * WIDTH).map((_, i) => (i % 5) / 5);
  return {
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(data.buffer)]),
  };
}

/** Rows that keep the slow model busy for about `ms`, sized from the fastest of a few measured requests. */
async function rowsForMs(server: RunningServer, ms: number): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    assert.equal((await postJson(`${server.url}/predict`, rows(16))).status, 200);
    fastest = Math.min(fastest, Date.now() - started);
  }
  return Math.max(16, Math.min(3000, Math.ceil((16 * ms) / Math.max(1, fastest))));
}

const dispatched = async (server: RunningServer) => metricValue(await metrics(server), /^modeldock_queue_duration_seconds_count (\S+)$/m);
const modelCalls = async (server: RunningServer) => metricValue(await metrics(server), /^modeldock_inference_duration_seconds_count (\S+)$/m);

test('a request whose client hangs up while it waits is withdrawn: no model run, counted as 499', async (t) => {
  // One session, so the later requests wait in the queue (side by side they would run at once on narrow sessions).
  const server = await startServer(t, { args: ['--model', writeSlowModel(tempDir(t), 600)], env: { MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_SIDE_BY_SIDE: 'off' } });
  const heavy = await rowsForMs(server, 1500);
  const callsBefore = await modelCalls(server);
  const dispatchedBefore = await dispatched(server);
  const running = postJson(`${server.url}/predict`, rows(heavy));
  await until('the heavy request running', async () => (await dispatched(server)) > dispatchedBefore);

  const abandoned = Array.from({ length: 3 }, () => new AbortController());
  const sent = abandoned.map((c) => fetch(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rows(1)), signal: c.signal }).catch((e: Error) => e));
  await until('three requests waiting', async () => metricValue(await metrics(server), /^modeldock_queue_depth (\S+)$/m) === 3);
  for (const c of abandoned) c.abort();
  for (const r of await Promise.all(sent)) assert.ok(r instanceof Error, 'the client gave up');
  await until('the queue emptied by the hang-ups', async () => metricValue(await metrics(server), /^modeldock_queue_depth (\S+)$/m) === 0);

  assert.equal((await running).status, 200);
  const text = await metrics(server);
  assert.equal(metricValue(text, /^modeldock_requests_total\{route="\/predict",method="POST",status="499"\} (\S+)$/m), 3);
  assert.equal(await modelCalls(server), callsBefore + 1, 'only the heavy request ran');
  assert.equal(server.logs.filter((l) => l.event === 'request' && l.status === 499).length, 3);
  assert.equal((await postJson(`${server.url}/predict`, rows(1))).status, 200, 'and the server keeps answering');
});

test('bodies beyond MODELDOCK_MAX_BUFFERED_MB wait unread until earlier requests answer, then all are answered', async (t) => {
  const server = await startServer(t, { args: ['--model', writeSlowModel(tempDir(t), 600)], env: { MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_MAX_BUFFERED_MB: '1' } });
  const heavy = await rowsForMs(server, 1500);
  // 300 rows of 2 KB = 600 KB: the running request holds it, so a second body of the same size does not fit 1 MB.
  const perRequest = 300;
  const first = binaryRequest(Math.max(heavy, perRequest));
  const post = (r: { headers: Record<string, string>; body: Buffer }) => fetch(`${server.url}/v2/models/slow/infer`, { method: 'POST', headers: r.headers, body: r.body });
  const dispatchedBefore = await dispatched(server);
  const running = post(first);
  await until('the first request running', async () => (await dispatched(server)) > dispatchedBefore);
  const later = [post(binaryRequest(perRequest)), post(binaryRequest(perRequest))];
  await until('two bodies waiting for room', async () => metricValue(await metrics(server), /^modeldock_body_waiting_requests (\S+)$/m) === 2);
  assert.equal(metricValue(await metrics(server), /^modeldock_queue_depth (\S+)$/m), 0, 'unread bodies are not in the inference queue');

  const answers = await Promise.all([running, ...later]);
  for (const [i, answer] of answers.entries()) {
    assert.equal(answer.status, 200, `request ${i}`);
    const json = await answer.json() as { outputs: Array<{ name: string; shape: number[] }> };
    assert.deepEqual(json.outputs[0].shape, [i === 0 ? Math.max(heavy, perRequest) : perRequest, WIDTH]);
  }
  assert.equal(metricValue(await metrics(server), /^modeldock_body_waiting_requests (\S+)$/m), 0);
});
